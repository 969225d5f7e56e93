// expect: accept
// Division truncates toward zero, % takes the sign of the dividend, >> is a
// logical (unsigned) shift, and arithmetic wraps at 64 bits.
	.data
arith_div:	.quad -7 / 2, 7 / -2, -7 / -2
arith_mod:	.quad -7 % 2, 7 % -2, 17 % 5
arith_shr:	.quad -1 >> 1, -16 >> 2, 0x80 >> 7
arith_shl:	.quad 1 << 63, 3 << 62
arith_wrap:	.quad 0x7fffffffffffffff + 1, 0 - 1
arith_mul:	.quad 0x100000000 * 0x100000000, -3 * 7
arith_sizes:	.byte -1, 255
		.short -2, 0xffff
		.long -3, 0xffffffff
		.quad -4
