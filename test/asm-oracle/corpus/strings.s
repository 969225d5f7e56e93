// expect: accept
// .ascii/.asciz/.string with escapes; several strings per directive; UTF-8 text.
	.section .rodata
str_ascii:	.ascii "abc"
str_asciz:	.asciz "abc"
str_string:	.string "xy"
str_multi:	.ascii "a", "b", "c"
str_multiz:	.asciz "one", "two"
str_escapes:	.ascii "\n\t\\\"\r\b\f"
str_octal:	.ascii "\101\102\0\7"
str_hex:	.ascii "\x41\x7a"
str_utf8:	.ascii "é→€"	/* UTF-8 in the source: its bytes, as written */
str_empty:	.ascii ""
		.asciz ""
str_end:
	.set	str_len, str_end - str_ascii
	.globl	str_len
