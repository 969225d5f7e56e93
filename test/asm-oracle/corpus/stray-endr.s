// expect: accept
// A stray .endr is not an error in gas, only a warning ("encountered
// without preceding .rept"), although one might expect a reject.
	.data
rej_endr:	.byte	1
	.endr
