// expect: accept
// Positional macro arguments split at spaces as well as commas, so an
// expression with spaces is several arguments unless quoted or parenthesised.
	.macro	count a=0, b=0, c=0
	.byte	\a, \b, \c
	.endm
	.data
msa_spaces:	count 1 - 1		# three arguments "1" "-" "1": .byte 1, -, 1 (gas warns, - alone is 0)
msa_quoted:	count "1 - 1"
msa_paren:	count (1 - 1)
msa_tight:	count 1-1
msa_end:
