// Compound assignment at each width: the operation happens in the promoted type, then the
// result converts back to the left operand's type.
#include "test.h"

int main(void)
{
	int i = 10;
	ASSERT(15, i += 5);
	ASSERT(12, i -= 3);
	ASSERT(36, i *= 3);
	ASSERT(9, i /= 4);
	ASSERT(1, i %= 4);
	ASSERT(8, i <<= 3);
	ASSERT(2, i >>= 2);
	ASSERT(3, i |= 1);
	ASSERT(1, i &= 5);
	ASSERT(4, i ^= 5);
	{
		char c = 100;
		c += 100;
		ASSERT(-56, c);
		unsigned char uc = 250;
		uc += 10;
		ASSERT(4, uc);
		short s = 32767;
		s += 1;
		ASSERT(-32768, s);
		unsigned u = 1;
		u -= 2;
		ASSERT(4294967295L, u);
		long l = 1;
		l <<= 62;
		ASSERT(4611686018427387904L, l);
		int neg = -7;
		neg /= 2;
		ASSERT(-3, neg);
		unsigned char m = 200;
		m *= 2;
		ASSERT(144, m);
		int arr[3] = {1, 2, 3};
		int k = 0;
		arr[k++] += 10;
		ASSERT(11, arr[0]);
		ASSERT(1, k);
	}
	return DONE();
}
