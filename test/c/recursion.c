// Recursion: direct, mutual, deep, and with several live values across calls.
#include "test.h"

int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
long fact(long n) { return n <= 1 ? 1 : n * fact(n - 1); }
int is_odd(int n);
int is_even(int n) { return n == 0 ? 1 : is_odd(n - 1); }
int is_odd(int n) { return n == 0 ? 0 : is_even(n - 1); }
int ack(int m, int n)
{
	if (m == 0)
		return n + 1;
	if (n == 0)
		return ack(m - 1, 1);
	return ack(m - 1, ack(m, n - 1));
}
int depth(int n) { return n == 0 ? 0 : 1 + depth(n - 1); }
int gcd(int a, int b) { return b ? gcd(b, a % b) : a; }
void hanoi(int n, int from, int to, int via, int *moves)
{
	if (n == 0)
		return;
	hanoi(n - 1, from, via, to, moves);
	(*moves)++;
	hanoi(n - 1, via, to, from, moves);
}

int main(void)
{
	int moves = 0;
	ASSERT(610, fib(15));
	ASSERT(2432902008176640000L, fact(20));
	ASSERT(1, is_even(100));
	ASSERT(1, is_odd(7));
	ASSERT(61, ack(3, 3));
	ASSERT(5000, depth(5000));
	ASSERT(6, gcd(48, 18));
	hanoi(10, 1, 3, 2, &moves);
	ASSERT(1023, moves);
	return DONE();
}
