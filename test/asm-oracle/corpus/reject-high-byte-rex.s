// expect: reject
# A high-byte register (%ah, %bh, %ch, %dh) cannot be encoded in an instruction that needs a
# REX prefix, which addressing through %r8-%r15 does (SDM vol. 2, 2.2.1.2); GNU as rejects both
# memory forms below and accepts the others.
	.text
	movb %ah, (%rax)
	movb %ah, (%r8)
	movb %bh, 8(%rax,%r9,2)
	movb %ch, 8(%rax,%rcx,2)
	movb %dh, (%r15)
