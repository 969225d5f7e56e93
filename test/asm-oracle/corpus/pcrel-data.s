// expect: accept
// PC-relative and symbol-relative data: differences within a section are
// constants; a difference against another section or an external symbol is a
// relocation.
	.data
pc_a:	.long	pc_a - .		# 0
	.long	pc_b - .		# forward, within .data
	.quad	. - pc_a
1:	.long	1b - .
pc_b:	.byte	0xaa
	.long	ro_x - .		# PC32 relocation against .rodata
	.quad	ro_x			# 64-bit absolute relocation
	.quad	extern_sym + 16		# relocation against an undefined symbol
	.long	extern_sym - .		# PC-relative to an undefined symbol
	.section .rodata
	.byte	0
ro_x:	.byte	0xbb
