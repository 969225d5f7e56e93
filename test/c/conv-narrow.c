// Conversions to char and short: wrap modulo 2^n into signed (gcc's choice) or unsigned types.
#include "test.h"

signed char to_schar(long v) { return v; }
unsigned char to_uchar(long v) { return v; }
short to_short(long v) { return v; }
unsigned short to_ushort(long v) { return v; }
char to_char(int v) { return v; }

int main(void)
{
	ASSERT(-1, to_schar(255));
	ASSERT(127, to_schar(127));
	ASSERT(-128, to_schar(128));
	ASSERT(0, to_schar(256));
	ASSERT(1, to_schar(-255));
	ASSERT(255, to_uchar(-1));
	ASSERT(0, to_uchar(256));
	ASSERT(44, to_uchar(300));
	ASSERT(-1, to_short(65535));
	ASSERT(-32768, to_short(32768));
	ASSERT(65535, to_ushort(-1));
	ASSERT(4464, to_ushort(70000));
	ASSERT(-56, to_char(200));
	ASSERT(-1, (char)-1);
	ASSERT(255, (unsigned char)-1);
	ASSERT(1, (short)65537);
	ASSERT(97, 'a');
	ASSERT(-1, '\xff');
	{
		char c = 200;
		unsigned char uc = 200;
		short s = 40000;
		unsigned short us = 40000;
		ASSERT(-56, c);
		ASSERT(200, uc);
		ASSERT(-25536, s);
		ASSERT(40000, us);
		ASSERT(144, uc + uc - 256);
		ASSERT(-112, c + c);
		c++;
		ASSERT(-55, c);
		uc += 100;
		ASSERT(44, uc);
	}
	return DONE();
}
