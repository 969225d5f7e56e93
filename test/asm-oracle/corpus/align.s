// expect: accept
// Alignment: .align (bytes on x86 ELF), .balign, .p2align, with fill and max-skip.
	.data
al_start:	.byte 1
		.align 4
al_4:		.byte 2
		.balign 8, 0xee
al_8:		.byte 3
		.p2align 4, 0xcc
al_16:		.byte 4
		.balign 16, 0xaa, 3	# would need 15 bytes: more than 3, skipped
al_noskip:	.byte 5
		.balign 4, 0xbb, 3	# needs 2 bytes: done
al_skip:	.byte 6
		.p2align 3, 0x11, 7	# needs 7: done
al_p2:		.byte 7
		.p2align 2,, 1		# needs 3 > 1: skipped
al_p2skip:	.byte 8
		.balign 2
al_end:
