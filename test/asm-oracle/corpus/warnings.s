// expect: accept
// Accepted with warnings: gas truncates, clamps and assumes, and says so.
	.data
w_trunc:	.byte 0x100, -129		# truncated to 8 bits
w_fill:		.fill 1, 9, 1			# size clamped to 8
w_shift:	.quad 1 << 64			# shift count out of range: 0
w_div0:		.quad 5 / 0			# division by zero: 0
w_missing:	.long 1 +			# missing operand: zero assumed
w_big:		.quad 0x1ffffffffffffffff	# bignum truncated to 8 bytes
	.warning "a .warning directive"
	.exitm					# outside a macro: ignored
w_end:
	.text
	incl	(%rax)
	inc	(%rax)				# no suffix, no register: default size
