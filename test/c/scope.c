// Block scope: shadowing, declarations anywhere, names in separate name spaces.
#include "test.h"

int x = 1;
struct x { int x; };

int main(void)
{
	ASSERT(1, x);
	int x = 2;
	ASSERT(2, x);
	{
		int x = 3;
		ASSERT(3, x);
		{
			long x = 4;
			ASSERT(8, sizeof(x));
		}
		ASSERT(3, x);
	}
	ASSERT(2, x);
	struct x s = {5};
	ASSERT(5, s.x);
	for (int x = 10; x < 11; x++)
		ASSERT(10, x);
	ASSERT(2, x);
	{
		extern int x;
		ASSERT(1, x);
	}
	int late = x * 10;
	ASSERT(20, late);
	return DONE();
}
