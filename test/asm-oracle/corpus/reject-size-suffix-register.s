// expect: reject
// why: the suffix says 16 bits, the register is 32 ("incorrect register ... used with w suffix").
	.text
	addw	$1, %eax
