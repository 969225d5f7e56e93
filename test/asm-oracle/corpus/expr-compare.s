// expect: accept
// Comparisons give -1 for true and 0 for false, and compare as signed 64-bit.
	.data
cmp_eq:		.quad 3 == 3, 3 == 4
cmp_ne:		.quad 3 != 4, 3 <> 3
cmp_lt:		.quad -1 < 1, 1 < -1
cmp_gt:		.quad 2 > 1, 1 > 2
cmp_le:		.quad 2 <= 2, 3 <= 2
cmp_ge:		.quad 2 >= 3, 3 >= 3
cmp_signed:	.quad 0xffffffffffffffff < 1	# -1 < 1: true
cmp_neg:	.quad -(3 > 2)			# the kernel idiom: 1 when true
cmp_mask:	.quad (5 > 2) & 0x1234
cmp_logic:	.quad 2 && 3, 0 && 3, 0 || 0, 0 || 5
