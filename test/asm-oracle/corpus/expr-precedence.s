// expect: accept
// GNU as operator precedence, which is not C's: * / % << >> bind tightest,
// then | & ^ !, then + - and the comparisons, then &&, then ||.
	.data
prec_or_add:	.quad 2 | 1 + 1		# (2|1)+1 = 4, C would give 3
prec_and_add:	.quad 6 & 3 + 1		# (6&3)+1 = 3
prec_xor_sub:	.quad 5 ^ 1 - 1		# (5^1)-1 = 3
prec_shl_add:	.quad 1 << 2 + 1	# (1<<2)+1 = 5
prec_mul_or:	.quad 3 * 2 | 1		# 6|1 = 7
prec_shr_mul:	.quad 64 >> 2 * 2	# left to right in one level: (64>>2)*2 = 32
prec_mod_shl:	.quad 7 % 4 << 1	# (7%4)<<1 = 6
prec_cmp_add:	.quad 1 + 1 == 2	# -1 (true), same level, left to right
prec_and_and:	.quad 1 && 0 || 1	# (1&&0)||1 = 1
prec_or_andand:	.quad 0 || 1 && 0	# 0||(1&&0) = 0
prec_not_or:	.quad 0 ! 0		# binary ! is "or not": 0 | ~0 = -1
prec_paren:	.quad (2 | 1) + (1 << (2 + 1))
prec_unary:	.quad -~5, ~-5, !0, !7, - - 3
prec_mixed:	.quad 10 - 2 - 3, 100 / 10 / 5, 2 * 3 % 4
	.set	abs_a, 3 * 4 + 2 | 1
	.set	abs_b, abs_a << 1 >> 2
	.equ	abs_c, abs_b ^ 0x55
	.globl	abs_a, abs_b, abs_c
