// expect: accept
// Sections: named with flags and types, dotted and '+' names, the section
// stack (.pushsection/.popsection) and .previous.
	.data
sec_data0:	.byte 1
	.section .rodata
sec_ro0:	.byte 2
	.previous			# back to .data
sec_data1:	.byte 3
	.previous			# back to .rodata
sec_ro1:	.byte 4
	.pushsection .data..percpu, "aw"
sec_pcpu:	.quad 5
	.pushsection .rodata.cst8, "aM", @progbits, 8
sec_cst:	.quad 6
	.popsection			# .data..percpu
		.quad 7
	.popsection			# .rodata
sec_ro2:	.byte 8
	.section "quoted.name", "a"
sec_quoted:	.byte 9
	.section .foo+bar, "aw", @progbits
sec_plus:	.byte 10
	.section .note.entrylab, "", @note
		.long 0
	.section .my.bss, "aw", @nobits
sec_nobits:	.skip 16
	.bss
sec_bss:	.skip 8
	.data
sec_data2:	.byte 11
