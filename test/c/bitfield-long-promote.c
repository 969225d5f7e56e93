// A bit-field of a `long` type no wider than int promotes as an int-sized one does (GCC):
// to int when int holds every value of its width, to unsigned int for an unsigned 32-bit one.
// So `x.a - 4` is negative and int-sized. Found while writing the random differential test.
#include "test.h"

struct s {
	unsigned long a : 5;
	long b : 20;
	unsigned long c : 32;
	long d : 32;
	unsigned long e : 40;
};

int main(void)
{
	struct s x = { 3, 5, 7, 9, 11 };
	ASSERT(1, x.a - 4 < 0);
	ASSERT(-1, x.a - 4);
	ASSERT(4, sizeof(x.a + 0));
	ASSERT(1, x.b - 6 < 0);
	ASSERT(0, x.c - 8 < 0);
	ASSERT(4294967295, x.c - 8);
	ASSERT(4, sizeof(x.c + 0));
	ASSERT(-1, x.d - 10);
	ASSERT(4, sizeof(x.d + 0));
	ASSERT(8, sizeof(x.e + 0));
	ASSERT(10, (unsigned long)x.e - 1);
	return DONE();
}
