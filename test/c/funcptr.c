// Function pointers: variables, parameters, arrays of them (dispatch tables), returned ones.
#include "test.h"

typedef long (*handler_t)(long, long);

long add(long a, long b) { return a + b; }
long sub(long a, long b) { return a - b; }
long mul(long a, long b) { return a * b; }
static long quot(long a, long b) { return a / b; }

handler_t table[] = { add, sub, mul, quot };
struct op { char sym; handler_t fn; } ops[] = { {'+', add}, {'-', sub}, {'*', &mul} };

long apply(handler_t f, long a, long b) { return f(a, b); }
handler_t pick(int i) { return table[i]; }
int twice(int (*f)(int), int x) { return f(f(x)); }
int inc(int x) { return x + 1; }

int main(void)
{
	long (*fp)(long, long) = add;
	ASSERT(5, fp(2, 3));
	ASSERT(5, (*fp)(2, 3));
	fp = &sub;
	ASSERT(-1, fp(2, 3));
	ASSERT(6, apply(mul, 2, 3));
	ASSERT(4, apply(quot, 9, 2));
	ASSERT(42, pick(2)(6, 7));
	ASSERT(4, sizeof(table) / sizeof(table[0]));
	ASSERT(12, table[0](5, 7));
	ASSERT(3, table[3](10, 3));
	ASSERT(2, twice(inc, 0));
	{
		long acc = 100;
		for (int i = 0; i < 3; i++)
			acc = ops[i].fn(acc, 2);
		ASSERT(200, acc);
		ASSERT('*', ops[2].sym);
		ASSERT(1, ops[0].fn == add);
		ASSERT(1, table[1] != table[2]);
		int (*arr[2])(int) = { inc, 0 };
		ASSERT(8, arr[0](7));
		ASSERT(1, arr[1] == 0);
	}
	return DONE();
}
