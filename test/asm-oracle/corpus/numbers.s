// expect: accept
// Integer literals in every base gas reads.
	.data
num_dec:	.quad 0, 1, 42, 9223372036854775807
num_hex:	.quad 0x2a, 0X2A, 0xdeadBEEF, 0xffffffffffffffff
num_bin:	.quad 0b101010, 0B11, 0b0
num_oct:	.quad 052, 0777, 00
num_neg:	.quad -0x2a, -052, -0b101010
num_mixed:	.long 0x10 + 010 + 0b10 + 10
