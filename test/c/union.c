// Unions: members share storage at offset 0; size is the largest member, rounded to alignment.
#include "test.h"

union u { char c; int i; long l; };
union w { char b[5]; int i; };
struct tagged { int kind; union { long l; char s[8]; }; };

int main(void)
{
	union u x;
	ASSERT(8, sizeof(union u));
	ASSERT(8, sizeof(union w));
	ASSERT(4, _Alignof(union w));
	x.l = 0x1122334455667788L;
	ASSERT(0x88, x.c & 0xff);
	ASSERT(0x55667788, x.i);
	x.c = 0;
	ASSERT(0x1122334455667700L, x.l);
	{
		union w y;
		y.i = 0x04030201;
		ASSERT(3, y.b[2]);
		struct tagged t;
		t.kind = 1;
		t.l = 0x4142434445464748L;
		ASSERT(0x48, t.s[0]);
		ASSERT(16, sizeof(t));
		union u z = {5};
		ASSERT(5, z.c);
	}
	return DONE();
}
