// Pointers: address-of, dereference, arithmetic scaled by the pointee, differences, comparison.
#include "test.h"

void set(int *p, int v) { *p = v; }
void swap(long *a, long *b) { long t = *a; *a = *b; *b = t; }

int main(void)
{
	int x = 3;
	int *p = &x;
	int **pp = &p;
	ASSERT(3, *p);
	ASSERT(3, **pp);
	*p = 7;
	ASSERT(7, x);
	**pp = 9;
	ASSERT(9, x);
	set(&x, 11);
	ASSERT(11, x);
	{
		long a = 1, b = 2;
		swap(&a, &b);
		ASSERT(2, a);
		ASSERT(1, b);
		int arr[5] = {0, 1, 2, 3, 4};
		int *q = arr + 4;
		ASSERT(4, *q);
		ASSERT(4, q - arr);
		ASSERT(2, *(q - 2));
		ASSERT(3, *(arr + 3));
		ASSERT(3, 3[arr]);
		ASSERT(1, q > arr);
		ASSERT(1, arr + 1 < q);
		ASSERT(16, (char *)q - (char *)arr);
		long la[3];
		ASSERT(8, (char *)&la[1] - (char *)&la[0]);
		ASSERT(2, &la[2] - &la[0]);
		void *v = &la[1];
		long *lp = v;
		*lp = 77;
		ASSERT(77, la[1]);
		ASSERT(1, (char *)v + 8 == (char *)&la[2]);
		int *null = 0;
		ASSERT(1, null == 0);
		ASSERT(0, null != 0);
		char s[4] = "abc";
		char *c = s;
		ASSERT(98, *++c);
		ASSERT(-1, (int)(s - c));
	}
	return DONE();
}
