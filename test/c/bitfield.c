// Bit-fields (C11 6.7.2.1): signed, unsigned and _Bool fields of widths 1..64 in char, short,
// int and long storage units; reads sign- or zero-extend, writes mask and merge without touching
// the neighbours; compound assignment, ++/-- (the old value wraps to the width), promotion of
// narrow unsigned fields to int, initialisers (automatic and static), copies and calls.
#include "test.h"

struct flags {
	unsigned int a : 1, b : 3;
	int s : 5;
	_Bool on : 1;
	unsigned char c : 7;
	long big : 40;
	unsigned long ubig : 64;
	short h : 9;
};

struct tiny { unsigned char lo : 4, hi : 4; };

static struct flags gf = { 1, 5, -3, 1, 100, -(1L << 39), 0xfedcba9876543210, -256 };

static int read_s(struct flags *f) { return f->s; }
static struct tiny swap(struct tiny t) { struct tiny r = { t.hi, t.lo }; return r; }

int main(void)
{
	struct flags f = { 0 };
	f.b = 13; /* wraps to 3 bits */
	ASSERT(5, f.b);
	ASSERT(0, f.a);
	f.s = -16;
	ASSERT(-16, f.s);
	f.s = 15;
	ASSERT(15, f.s);
	f.s = 16; /* implementation-defined: GCC wraps to -16 */
	ASSERT(-16, read_s(&f));
	f.on = 4; /* _Bool: nonzero is 1 */
	ASSERT(1, f.on);
	ASSERT(5, f.b);
	f.c = 255;
	ASSERT(127, f.c);
	f.big = -1;
	ASSERT(-1, f.big);
	f.big = (1L << 39) - 1;
	ASSERT(549755813887, f.big);
	f.big += 1;
	ASSERT(-549755813888, f.big);
	f.ubig = -1;
	ASSERT(-1, (long)f.ubig);
	f.h = -255;
	ASSERT(-255, f.h);
	ASSERT(127, f.c);

	/* The value of an assignment is the stored, truncated value. */
	ASSERT(1, (f.b = 9));
	ASSERT(-2, (f.s = 30));

	/* Compound assignment and ++/-- wrap to the width. */
	f.b = 6;
	f.b += 3;
	ASSERT(1, f.b);
	f.b = 7;
	ASSERT(7, f.b++);
	ASSERT(0, f.b);
	ASSERT(7, --f.b);
	f.s = -16;
	ASSERT(-16, f.s--);
	ASSERT(15, f.s);
	f.b <<= 1;
	ASSERT(6, f.b);

	/* 6.3.1.1p2: an unsigned field narrower than int promotes to int. */
	f.b = 1;
	ASSERT(1, f.b - 2 < 0);
	ASSERT(4, sizeof(f.b + 0));
	f.ubig = 1;
	ASSERT(0, f.ubig - 2 < 0);

	/* Pointers, copies, arguments, results. */
	struct flags *p = &f;
	p->c = 9;
	struct flags g = *p;
	ASSERT(9, g.c);
	ASSERT(15, g.s);
	struct tiny t = { 3, 12 };
	struct tiny u = swap(t);
	ASSERT(12, u.lo);
	ASSERT(3, u.hi);
	ASSERT(1, sizeof(struct tiny));

	/* Static initialisers. */
	ASSERT(1, gf.a);
	ASSERT(5, gf.b);
	ASSERT(-3, gf.s);
	ASSERT(1, gf.on);
	ASSERT(100, gf.c);
	ASSERT(-549755813888, gf.big);
	ASSERT(0x76543210, (int)gf.ubig);
	ASSERT(-256, gf.h);
	return DONE();
}
