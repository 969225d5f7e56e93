// expect: accept
// Forward references resolved by layout: sizes and values that depend on
// labels defined later, in the same section and in another one.
	.data
fr_start:
	.skip	fr_b - fr_a		# 3, known only after the lines below
	.long	fr_later - fr_start
fr_a:	.byte 1, 2, 3
fr_b:	.quad	fr_const
	.set	fr_const, fr_b - fr_a + 100
	.section .rodata
ro_a:	.byte 9, 9, 9, 9, 9
ro_b:
	.data
	# Pad to the length of data in another section, defined before or after.
	.skip	ro_b - ro_a, 0x44
	.skip	ro_d - ro_c, 0x55
fr_later:
	.byte	0xff
	.section .rodata
ro_c:	.byte 8, 8
ro_d:
