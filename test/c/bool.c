// _Bool: any nonzero value converts to 1 (6.3.1.2).
#include "test.h"

_Bool to_bool(long v) { return v; }

int main(void)
{
	_Bool b = 0;
	ASSERT(0, b);
	b = 5;
	ASSERT(1, b);
	b = -1;
	ASSERT(1, b);
	ASSERT(1, to_bool(0x100000000L));
	ASSERT(0, to_bool(0));
	ASSERT(1, (_Bool)256);
	ASSERT(1, sizeof(_Bool));
	b = 0;
	b++;
	ASSERT(1, b);
	b++;
	ASSERT(1, b);
	b--;
	ASSERT(0, b);
	{
		int x = 3;
		_Bool p = &x;
		ASSERT(1, p);
		ASSERT(2, (_Bool)3 + (_Bool)4);
	}
	return DONE();
}
