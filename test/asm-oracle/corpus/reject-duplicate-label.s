// expect: reject
// why: an ordinary label defined twice.
	.data
twice:	.byte	1
twice:	.byte	2
