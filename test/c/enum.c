// Enumerations: implicit and explicit values, use in switch and arithmetic.
#include "test.h"

enum color { RED, GREEN = 5, BLUE, LAST = BLUE + 10 };
enum { NEG = -3, NEXT };
typedef enum { A, B, C } letter;

int score(enum color c)
{
	switch (c) {
	case RED: return 1;
	case GREEN: return 2;
	case BLUE: return 3;
	default: return 0;
	}
}

int main(void)
{
	ASSERT(0, RED);
	ASSERT(5, GREEN);
	ASSERT(6, BLUE);
	ASSERT(16, LAST);
	ASSERT(-3, NEG);
	ASSERT(-2, NEXT);
	ASSERT(4, sizeof(enum color));
	ASSERT(3, score(BLUE));
	ASSERT(0, score(LAST));
	{
		letter l = C;
		ASSERT(2, l);
		enum color c = GREEN;
		c++;
		ASSERT(BLUE, c);
		int arr[C + 1];
		ASSERT(12, sizeof(arr));
	}
	return DONE();
}
