// switch: fall-through, default anywhere, nested switches, break inside loops, GNU case ranges.
#include "test.h"

int days(int month)
{
	switch (month) {
	case 2:
		return 28;
	case 4:
	case 6:
	case 9:
	case 11:
		return 30;
	default:
		return 31;
	}
}

int fall(int n)
{
	int s = 0;
	switch (n) {
	case 0: s += 1;
	case 1: s += 10;
	case 2: s += 100; break;
	case 3: s += 1000;
	}
	return s;
}

int kind(char c)
{
	switch (c) {
	case '0' ... '9': return 1;
	case 'a' ... 'z': return 2;
	default: return 0;
	case ' ': return 3;
	}
}

int main(void)
{
	ASSERT(28, days(2));
	ASSERT(30, days(9));
	ASSERT(31, days(12));
	ASSERT(111, fall(0));
	ASSERT(110, fall(1));
	ASSERT(100, fall(2));
	ASSERT(1000, fall(3));
	ASSERT(0, fall(4));
	ASSERT(1, kind('5'));
	ASSERT(2, kind('q'));
	ASSERT(3, kind(' '));
	ASSERT(0, kind('#'));
	{
		int s = 0;
		for (int i = 0; i < 6; i++) {
			switch (i % 3) {
			case 0:
				switch (i) {
				case 3: s += 100; break;
				}
				continue;
			case 1: s += 1; break;
			}
			s += 10;
		}
		ASSERT(142, s);
		long big = 0x100000001L;
		int r = 0;
		switch (big) {
		case 1: r = 1; break;
		case 0x100000001L: r = 2; break;
		}
		ASSERT(2, r);
		unsigned u = -1;
		switch (u) {
		case 0xffffffffu: r = 3; break;
		default: r = 4;
		}
		ASSERT(3, r);
		switch (3) { }
		switch (r) default: r = 7;
		ASSERT(7, r);
	}
	return DONE();
}
