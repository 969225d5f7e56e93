// if/else, while, do/while and for, with break and continue.
#include "test.h"

int classify(int n)
{
	if (n < 0)
		return -1;
	else if (n == 0)
		return 0;
	else
		return 1;
}

int main(void)
{
	int i, s;
	ASSERT(-1, classify(-5));
	ASSERT(0, classify(0));
	ASSERT(1, classify(5));
	s = 0;
	for (i = 0; i < 10; i++)
		s += i;
	ASSERT(45, s);
	s = 0;
	i = 0;
	while (i < 5)
		s += i++;
	ASSERT(10, s);
	s = 0;
	do
		s++;
	while (s < 3);
	ASSERT(3, s);
	s = 0;
	do {
		s += 10;
	} while (0);
	ASSERT(10, s);
	s = 0;
	for (i = 0;; i++) {
		if (i == 3)
			continue;
		if (i > 6)
			break;
		s += i;
	}
	ASSERT(18, s);
	s = 0;
	for (int a = 0; a < 4; a++)
		for (int b = 0; b < 4; b++) {
			if (b > a)
				break;
			s++;
		}
	ASSERT(10, s);
	s = 0;
	i = 10;
	while (1) {
		if (--i < 0)
			break;
		if (i % 2)
			continue;
		s += i;
	}
	ASSERT(20, s);
	{
		int k = 0;
		do {
			k++;
			if (k == 2)
				continue;
			if (k == 4)
				break;
		} while (k < 10);
		ASSERT(4, k);
	}
	if (0)
		;
	else
		s = 99;
	ASSERT(99, s);
	return DONE();
}
