// expect: accept
// \@ counts macro expansions; \() separates a parameter from text after it;
// parameters paste into identifiers.
	.macro	counted
	.byte	\@
	.endm
	.macro	named prefix, n
\prefix\()_\n:	.byte \n
	.set	\prefix\()_twice_\n, \n * 2
	.globl	\prefix\()_twice_\n
	.endm
	.macro	uniq
.Lu_\@:	.byte	0xee
	.long	.Lu_\@ - mc_counts
	.endm
	.data
mc_counts:	counted
		counted
		counted
mc_named:	named sym, 4
		named other, 9
mc_uniq:	uniq
		uniq
mc_end:
