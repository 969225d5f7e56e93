// expect: accept
// A gas quirk the kernel headers must respect: in a macro body, whitespace
// right after \@ is dropped, so "a=x\@ b=y" passes one keyword argument
// "x<N>b=y". Arguments after a \@ therefore need commas.
	.macro	pair a=1, b=2
	.byte	\a, \b
	.endm
	.macro	with_comma
	.set	.Lv\@, 5
	pair	a=.Lv\@, b=6
	.endm
	.macro	positional
	.set	qq\@, 7
	.set	qq\@yy, 8		# what "qq\@ yy" collapses to
	pair	qq\@ yy
	.endm
	.data
mas_comma:	with_comma
mas_glued:	positional
mas_end:
