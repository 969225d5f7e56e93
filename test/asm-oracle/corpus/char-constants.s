// expect: accept
// Character constants: 'c (no closing quote needed), with backslash escapes.
	.data
ch_plain:	.byte 'a, 'Z, '0, ' '
ch_escape:	.byte '\n, '\t, '\\, '\'
ch_arith:	.quad 'a + 1, 'z - 'a, 'A | 0x20
ch_in_long:	.long 'x
