// expect: reject
// why: a :req parameter left out ("Missing value for required parameter").
	.macro	m a:req, b=1
	.byte	\a, \b
	.endm
	.data
	m	b=2
