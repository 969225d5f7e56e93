// Conversions between int, unsigned, long and unsigned long (C11 6.3.1.3).
#include "test.h"

long from_int(int v) { return v; }
long from_uint(unsigned v) { return v; }
unsigned long ul_from_int(int v) { return v; }
int from_long(long v) { return v; }
unsigned uint_from_long(long v) { return v; }

int main(void)
{
	ASSERT(-1, from_int(-1));
	ASSERT(4294967295L, from_uint(-1));
	ASSERT(-1, (long)ul_from_int(-1));
	ASSERT(1, ul_from_int(-1) == 0xffffffffffffffffUL);
	ASSERT(0, from_long(4294967296L));
	ASSERT(-1, from_long(4294967295L));
	ASSERT(1, from_long(8589934593L));
	ASSERT(4294967295L, uint_from_long(-1));
	ASSERT(2, uint_from_long(4294967298L));
	ASSERT(-2147483648L, (int)2147483648L);
	ASSERT(2147483648L, (unsigned)-2147483648L);
	ASSERT(-1, (long)(int)4294967295U);
	ASSERT(4294967295L, (long)(unsigned)-1);
	{
		int i = -5;
		unsigned u = i;
		long l = u;
		unsigned long ul = i;
		ASSERT(4294967291L, l);
		ASSERT(-5, (long)ul);
		ASSERT(1, ul > 0);
		long long ll = -3;
		unsigned long long ull = ll;
		ASSERT(-3, ll);
		ASSERT(1, ull == (unsigned long long)-3);
		ASSERT(8, sizeof(ll));
	}
	return DONE();
}
