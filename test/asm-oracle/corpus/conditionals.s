// expect: accept
// Every .if form, .else/.elseif, nesting; each emits 1 (taken) or 0.
	.data
	.set	one, 1
cond_if:	.if 1
		.byte 1
		.else
		.byte 0
		.endif
cond_ifne:	.ifne one - 1
		.byte 0
		.else
		.byte 1
		.endif
cond_ifeq:	.ifeq one - 1
		.byte 1
		.endif
cond_ifge:	.ifge -1
		.byte 0
		.elseif 2
		.byte 1
		.endif
cond_ifgt:	.ifgt 0
		.byte 0
		.elseif 0
		.byte 2
		.else
		.byte 1
		.endif
cond_ifle:	.ifle 0
		.byte 1
		.endif
cond_iflt:	.iflt -5
		.byte 1
		.endif
cond_ifdef:	.ifdef one
		.byte 1
		.endif
cond_ifndef:	.ifndef two
		.byte 1
		.endif
cond_ifnotdef:	.ifnotdef one
		.byte 0
		.endif
cond_ifb:	.ifb
		.byte 1
		.endif
cond_ifnb:	.ifnb x
		.byte 1
		.endif
cond_ifc:	.ifc abc,abc
		.byte 1
		.endif
cond_ifnc:	.ifnc abc,abd
		.byte 1
		.endif
cond_ifeqs:	.ifeqs "a b", "a b"
		.byte 1
		.endif
cond_ifnes:	.ifnes "a", "b"
		.byte 1
		.endif
cond_nested:	.if 1
		.if 0
		.byte 0
		.elseif 1
		.if 1
		.byte 3
		.endif
		.endif
		.endif
cond_skipped:	.if 0
		.if 1			# not evaluated, still nests
		.byte 0
		.endif
		.endif
cond_end:
