// Const-qualified locals with initialisers: the initialisation stores into them (6.7.9), which
// is not an assignment to a const object (6.5.16p2). Found by the random differential test.
#include "test.h"

struct pair {
	int a;
	int b;
};

int main(void)
{
	const int c = 7;
	const char s[] = "hi";
	const struct pair p = { 1, 2 };
	const long n[3] = { 4, [2] = 6 };
	ASSERT(7, c);
	ASSERT('i', s[1]);
	ASSERT(3, p.a + p.b);
	ASSERT(10, n[0] + n[1] + n[2]);
	return DONE();
}
