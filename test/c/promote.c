// Integer promotions (6.3.1.1) and the usual arithmetic conversions (6.3.1.8).
#include "test.h"

int main(void)
{
	unsigned u = 1;
	int i = -1;
	long l = -1;
	unsigned char uc = 255;
	signed char sc = -1;
	unsigned short us = 65535;

	ASSERT(0, i < u);                 /* i converts to unsigned */
	ASSERT(1, l < u);                 /* u converts to long */
	ASSERT(1, sc < uc);               /* both promote to int */
	ASSERT(4, sizeof(uc + uc));
	ASSERT(1, sizeof(sc) == 1);
	ASSERT(8, sizeof(u + l));
	ASSERT(4, sizeof(u + i));
	ASSERT(8, sizeof(1 + 1L));
	ASSERT(131070, us + us);
	ASSERT(-2, sc + sc);
	ASSERT(510, uc + uc);
	ASSERT(4294967295L, u * 0xffffffffu);
	ASSERT(0, (unsigned char)(uc + 1));
	ASSERT(256, uc + 1);
	ASSERT(1, -1 < 0u ? 0 : 1);
	ASSERT(1, -1L < 0u);
	ASSERT(1, (unsigned short)1 > -1);
	ASSERT(4294967295L, (unsigned)i);
	ASSERT(1, 0xffffffff == -1);
	ASSERT(0, 0xffffffff == -1L);
	ASSERT(4, sizeof(0x7fffffff));
	ASSERT(4, sizeof(0xffffffff));
	ASSERT(8, sizeof(0x100000000));
	ASSERT(8, sizeof(2147483648));
	ASSERT(-1, ~uc + 255);
	return DONE();
}
