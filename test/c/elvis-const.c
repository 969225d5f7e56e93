// GNU `a ?: b` with a const-qualified first operand: its value is not const (lvalue conversion
// drops qualifiers, 6.3.2.1p2), so the temporary holding it may be assigned. Found by the
// random differential test (seed 4).
#include "test.h"

static const char k = 1;
static const long big = 6615269838750948497L;
static const unsigned short zero;

int pick(const int a, int b)
{
	return a ?: b;
}

int main(void)
{
	ASSERT(1, k ?: 5);
	ASSERT(6615269838750948497L, big ?: 5);
	ASSERT(5, zero ?: 5);
	ASSERT(3, pick(3, 4));
	ASSERT(4, pick(0, 4));
	return DONE();
}
