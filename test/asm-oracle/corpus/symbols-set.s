// expect: accept
// .set/.equ/= re-assignment, also inside .rept; the value used is the one
// current at each use.
	.data
	i = 0
set_squares:
	.rept 5
	.byte i * i
	i = i + 1
	.endr
	.set j, 1
set_powers:
	.rept 4
	.short j
	.set j, j * 3
	.endr
	.equ k, 7
	.byte k
	.equ k, k + 1
	.byte k
	n = 10
	n = n - 1
	.globl n, j, i
	.equiv fixed, n * 2
	.globl fixed
