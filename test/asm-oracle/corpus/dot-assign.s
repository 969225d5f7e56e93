// expect: accept
// Assigning to . moves the location counter forward (filling with zeros);
// it may use labels and . itself.
	.data
dot_start:	.byte 1
		. = . + 3
dot_4:		.byte 2
		. = dot_start + 8
dot_8:		.byte 3
		.org 12
dot_12:		.byte 4
		.org dot_start + 16, 0x77
dot_16:		.byte 5
		. = . 			# no move
dot_end:
