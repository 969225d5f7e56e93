// GNU statement expressions ({ ... }): the value is the last expression statement's; kernel
// macros such as max() use them with typeof to evaluate arguments once.
#include "test.h"

#define max(a, b) ({ typeof(a) _a = (a); typeof(b) _b = (b); _a > _b ? _a : _b; })
#define swap(a, b) do { typeof(a) _t = (a); (a) = (b); (b) = _t; } while (0)

int calls;
int next(void) { return ++calls; }

int main(void)
{
	ASSERT(3, ({ 1; 2; 3; }));
	ASSERT(5, ({ int x = 2; x + 3; }));
	ASSERT(7, max(7, 3));
	ASSERT(1, max(next(), 0));
	ASSERT(1, calls);
	{
		int a = 1, b = 2;
		swap(a, b);
		ASSERT(2, a);
		ASSERT(1, b);
		long l = ({ long t = 1; for (int i = 0; i < 10; i++) t *= 2; t; });
		ASSERT(1024, l);
		ASSERT(10, ({ int s = 0; for (int i = 0; i < 5; i++) s += i; s; }));
		ASSERT(4, ({ int y = ({ 4; }); y; }));
	}
	return DONE();
}
