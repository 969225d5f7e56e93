// expect: accept
// Every data directive, each with several values and expressions.
	.data
d_byte:		.byte 1, 2, 0xff, -1, 'a
d_short:	.short 0x1234, -1
d_word:		.word 0x5678		# .word is 16 bits on x86
d_hword:	.hword 0x9abc
d_int:		.int 0x11223344
d_long:		.long 0xdeadbeef, 1 << 31
d_quad:		.quad 0x0123456789abcdef, -2
d_2byte:	.2byte 0xaabb
d_4byte:	.4byte 0xccddeeff
d_8byte:	.8byte 0x1122334455667788
d_zero:		.zero 3
d_skip:		.skip 2
d_skipfill:	.skip 3, 0x5a
d_space:	.space 2, 0xa5
d_fill1:	.fill 3, 1, 0x7e
d_fill2:	.fill 2, 2, 0x1234
d_fill4:	.fill 2, 4, 0xcafe
d_fill8:	.fill 1, 8, -1
d_fill_def:	.fill 2			# size 1, value 0
d_end:
	.set	d_total, d_end - d_byte
	.globl	d_total
