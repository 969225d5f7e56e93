// expect: accept
// Macros that define macros, call other macros, recurse with .exitm, and a
// macro invoked before the macro it calls is defined (only the call must
// come after the definition, not the body text).
	.macro	later_user n
	helper	\n
	.endm
	.macro	helper n
	.byte	\n + 0x40
	.endm
	.macro	define_adder name, k
	.macro	\name x
	.byte	\x + \k
	.endm
	.endm
	.macro	countdown n
	.byte	\n
	.if	\n == 0
	.exitm
	.endif
	countdown "\n-1"		# quoted: "\n - 1" would be three arguments
	.endm
	.macro	stop_early
	.byte	1
	.exitm
	.byte	2
	.endm
	.data
mn_later:	later_user 1
		define_adder add5, 5
mn_adder:	add5 10
		define_adder add7, 7
		add7 1
mn_count:	countdown 3
mn_exitm:	stop_early
mn_purge:	.purgem add5
		define_adder add5, 50
		add5 1
mn_end:
