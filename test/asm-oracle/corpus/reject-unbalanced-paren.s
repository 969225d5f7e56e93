// expect: reject
// why: missing closing parenthesis.
	.data
	.long	(1 + 2
