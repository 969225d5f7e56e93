// Relational and equality operators at every width, signed and unsigned.
#include "test.h"

int main(void)
{
	ASSERT(1, 0 == 0);
	ASSERT(0, 42 == 43);
	ASSERT(1, 42 != 43);
	ASSERT(1, 0 < 1);
	ASSERT(0, 1 < 1);
	ASSERT(1, 1 <= 1);
	ASSERT(0, 2 <= 1);
	ASSERT(1, 1 > 0);
	ASSERT(0, 1 > 1);
	ASSERT(1, 1 >= 1);
	ASSERT(1, -1 < 1);
	ASSERT(0, -1U < 1);
	ASSERT(1, -1L < 1L);
	ASSERT(0, -1UL < 1);
	ASSERT(1, (signed char)-1 < (signed char)1);
	ASSERT(0, (unsigned char)-1 < (unsigned char)1);
	ASSERT(1, (short)-1 < (short)1);
	ASSERT(0, (unsigned short)-1 < (unsigned short)1);
	ASSERT(1, 0x7fffffffffffffffL > 0);
	ASSERT(1, 0x8000000000000000UL > 0);
	ASSERT(0, (long)0x8000000000000000UL > 0);
	ASSERT(1, 1 < 2 == 1);
	ASSERT(2, (1 < 2) + (2 < 1) + (3 >= 3));
	return DONE();
}
