// expect: accept
// .irp over a list (commas or spaces), .irpc over characters, nested, empty list.
	.data
irp_list:
	.irp	v, 1, 2, 3
	.byte	\v * 10
	.endr
irp_spaces:
	.irp	v 4 5 6
	.byte	\v
	.endr
irpc_chars:
	.irpc	c, 789
	.byte	\c
	.endr
irp_nested:
	.irp	a, 1, 2
	.irpc	b, 34
	.byte	\a\b
	.endr
	.endr
irp_empty:
	.irp	v
	.byte	0x5a			# runs once with \v empty
	.endr
irp_end:
