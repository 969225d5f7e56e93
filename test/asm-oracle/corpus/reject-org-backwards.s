// expect: reject
// why: .org to an offset already passed.
	.data
	.skip	8
	.org	4
