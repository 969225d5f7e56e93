// A `long` bit-field wider than 32 bits has, as GCC types it, an integer type of its own width N:
// arithmetic on it wraps in N bits (`unsigned long u : 40` equal to 0, minus 1, is 2^40 - 1),
// int and unsigned int convert to it, long and unsigned long win over it, two such types meet at
// the wider (the unsigned one when equally wide), and the value converts to long unchanged.
// Every expected value below is what gcc 12 prints for the same program.
#include "test.h"

struct s {
	unsigned long u : 40;
	long s : 40;
	unsigned long w : 50;
	long s2 : 33;
	unsigned long u63 : 63;
	unsigned long full : 64;
};

typedef __typeof__(((struct s *)0)->u + 0) u40;

/* Parameters and results of the 40-bit type: converted (wrapped) on the way in and out. */
static u40 add40(u40 a, u40 b) { return a + b; }

static unsigned long take_ulong(unsigned long v) { return v; }
static long take_long(long v) { return v; }

static void arithmetic(struct s *x)
{
	x->u = 0;
	ASSERT(0xffffffffff, x->u - 1);
	ASSERT(0, x->u + 0);
	ASSERT(0, -x->u);
	ASSERT(0xffffffffff, ~x->u);
	ASSERT(0x7fffffffff, (x->u - 1) >> 1);
	ASSERT(0x7fffffffff, (x->u - 1) / 2);
	ASSERT(0xffffffff, (x->u - 1) << 8 >> 8);
	ASSERT(1, (x->u - 1) * (x->u - 1));
	ASSERT(1, !(x->u - 1 + 1));
	ASSERT(1, (int)((x->u - 1) >> 39));
	x->u = 0x8000000000UL;
	ASSERT(0, x->u * 2);
	ASSERT(0, x->u << 1);
	ASSERT(0x10000000000, x->u * 2L);
	ASSERT(0x10000000000, x->u * 2UL);
	x->u = 5;
	x->u *= 0x40000000000UL;
	ASSERT(0, x->u);
	x->s = 0x7fffffffffL;
	ASSERT(-0x8000000000, x->s + 1);
	ASSERT(-0x8000000000, take_long(x->s + 1));
	x->s = -1;
	ASSERT(1, x->s * x->s);
	ASSERT(0xffffffff, (unsigned)x->s);
	x->u63 = 0;
	ASSERT(0x7fffffffffffffff, x->u63 - 1);
	x->full = 0;
	ASSERT(-1, x->full - 1);
}

static void conversions(struct s *x)
{
	x->u = 0;
	x->w = 0;
	x->s = 0x7fffffffffL;
	x->s2 = -1;
	ASSERT(0xffffffffff, x->u - 1 + x->w);           /* 40 + 50 bits: 50 bits */
	ASSERT(0xffffffffff, x->s2 + x->u);              /* signed 33 + unsigned 40: unsigned 40 */
	ASSERT(0x7fffffffff, x->s + x->u);               /* equally wide: the unsigned one */
	ASSERT(-2, x->s2 - 1u);                          /* 33 bits hold every unsigned int */
	ASSERT(-2, x->s2 - 1L);
	ASSERT(0x7ffffffe, x->s2 + 0x7fffffff);
	ASSERT(0xfffffffe, x->s2 + 0xffffffffu);
	ASSERT(-2, x->s2 * 2);
	ASSERT(0, x->s2 / 2);
	ASSERT(8, sizeof(x->u + 1));
	ASSERT(8, sizeof(-x->u));
}

static void comparisons(struct s *x)
{
	x->u = 0;
	ASSERT(1, x->u - 1 > 0);
	ASSERT(1, x->u - 1 == -1);   /* -1 converts to 40 bits */
	ASSERT(0, x->u - 1 == -1L);  /* the bit-field converts to long */
	ASSERT(1, x->u < -1);
	ASSERT(0, x->u - 1 < 1);
	switch (x->u - 1) {
	case -1:
		ASSERT(1, 1);
		break;
	default:
		ASSERT(0, 1);
	}
}

static void uses(struct s *x)
{
	unsigned long ul = 0;
	int c = 1;
	long l;
	x->u = 0;
	x->w = 0;
	ASSERT(0xffffffffff, take_ulong(x->u - 1));
	l = x->u - 1;
	ASSERT(0xffffffffff, l);
	ASSERT(0xffffffffff, c ? x->u - 1 : ul);
	ASSERT(-1, (c ? x->u : ul) - 1);               /* unsigned long */
	ASSERT(0x3ffffffffffff, (c ? x->u : x->w) - 1); /* 50 bits */
	ASSERT(0xffffffffff, (c ? x->u : 0) - 1);      /* 40 bits */
	ASSERT(0xffffffffff, x->u - 1 ? x->u - 1 : 3);
	ASSERT(0xffffffffff, x->u -= 1);
	ASSERT(0xffffffffff, x->u++);
	ASSERT(0, x->u);
	ASSERT(0xffffffffff, x->u - 1u);
	ASSERT(0xffffffffff, (x->u - 1) & 0xffffffffffffUL);
	ASSERT(0xffffffffffff, ((long)(x->u - 1) - 0x10000000000L) & 0xffffffffffffUL);
}

static void typeof_keeps_width(struct s *x)
{
	x->u = 0;
	typeof(x->u + 1) v = 0;  /* a 40-bit variable */
	v--;
	ASSERT(0xffffffffff, v);
	ASSERT(8, sizeof v);
	v += 2;
	ASSERT(1, v);
	v = 0;
	ASSERT(0, v--);
	ASSERT(0xffffffffff, v++);
	ASSERT(0, v);
	ASSERT(0xffffffffff, add40(v, -1));
}

int main(void)
{
	struct s x = { 0 };
	arithmetic(&x);
	conversions(&x);
	comparisons(&x);
	uses(&x);
	typeof_keeps_width(&x);
	return DONE();
}
