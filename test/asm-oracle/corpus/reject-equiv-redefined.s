// expect: reject
// why: .equiv refuses to redefine a symbol (unlike .set and =).
	.set	x, 1
	.equiv	x, 2
