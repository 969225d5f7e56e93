// expect: accept
// Numeric local labels: Nb is the nearest previous N:, Nf the nearest next;
// redefinition is allowed, many-digit numbers too.
	.data
ll_a:
1:	.byte 0x11
2:	.long 1b - ll_a, 2b - ll_a, 1f - ll_a	# 0, 1, 13
1:	.byte 0x22
	.long 1b - ll_a				# 13 now
1:	.byte 0x33
771:	.long 771f - 771b, 1b - ll_a
771:	.byte 0x44
123456:	.long 123456b - ll_a
	.long 9f - 123456b
9:
0 :	.byte 0x55				# "0 :" with a space is a label too
	.long 0b - ll_a
