// Structures and unions by value (psABI §3.2.3): assignment through pointers and arrays,
// arguments and results of every size class — one and two INTEGER eightbytes (with partial
// tails: 3, 7, 12 bytes), MEMORY (24 bytes, packed with an unaligned field) — arguments that
// no longer fit the six registers, structures in initialisers, `?:`, comma and statement
// expressions, and members of call results.
#include "test.h"

struct s1 { char a; };
struct s3 { char a, b, c; };
struct s7 { char a[7]; };
struct s8 { int a, b; };
struct s12 { int a, b, c; };
struct s16 { long a; long b; };
struct s24 { long a, b, c; };
struct __attribute__((packed)) sp { char a; int b; };
union un { int i; char c[6]; };
struct nest { struct s3 in; short t; };
struct big { long v[6]; };
struct al16 { long a; } __attribute__((aligned(16)));

static struct s1 mk1(int a) { struct s1 r; r.a = a; return r; }
static struct s3 mk3(int a) { struct s3 r = { a, a + 1, a + 2 }; return r; }
static struct s7 mk7(int a) { struct s7 r; for (int i = 0; i < 7; i++) r.a[i] = a + i; return r; }
static struct s8 mk8(int a, int b) { struct s8 r = { a, b }; return r; }
static struct s12 mk12(int a) { struct s12 r = { a, -a, a * 2 }; return r; }
static struct s16 mk16(long a, long b) { struct s16 r = { a, b }; return r; }
static struct s24 mk24(long a) { struct s24 r = { a, a * 10, a * 100 }; return r; }
static struct sp mkp(int b) { struct sp r = { 'p', b }; return r; }
static union un mku(int i) { union un u; u.i = i; u.c[4] = 9; u.c[5] = 8; return u; }
static struct nest mkn(int a) { struct nest n = { mk3(a), 77 }; return n; }

static int sum3(struct s3 s) { return s.a + s.b + s.c; }
static int sum7(struct s7 s) { int t = 0; for (int i = 0; i < 7; i++) t += s.a[i]; return t; }
static long sum12(struct s12 s) { return s.a * 100 + s.b * 10 + s.c; }
static long sum24(struct s24 s) { return s.a + s.b + s.c; }
static long sump(struct sp s) { return s.a + s.b; }
static long sumu(union un u) { return u.i + u.c[4] + u.c[5]; }
static long sumbig(struct big b) { long t = 0; for (int i = 0; i < 6; i++) t += b.v[i]; return t; }
static long al(int x, struct al16 a, int y) { return x + a.a + y; }

/* Five registers used, then a two-eightbyte struct: it goes on the stack, and the int after it
   still takes %r9 (psABI §3.2.3). */
static long mixed(long a, long b, long c, long d, long e, struct s16 s, int f)
{
	return a + b + c + d + e + s.a * 1000 + s.b * 100 + f;
}

/* Structures change: the callee's copy is its own. */
static int clobber(struct s12 s) { s.a = 99; return s.a; }

/* A structure through a function pointer, both ways. */
static struct s12 twice(struct s12 s) { s.a *= 2; s.b *= 2; s.c *= 2; return s; }

static int counter;
static struct s8 next8(void) { counter++; struct s8 r = { counter, counter * 2 }; return r; }

int main(void)
{
	ASSERT(5, mk1(5).a);
	ASSERT(3 + 4 + 5, sum3(mk3(3)));
	ASSERT(7 * 10 + 21, sum7(mk7(10)));
	ASSERT(-4, mk8(3, -4).b);
	ASSERT(5 * 100 - 50 + 10, sum12(mk12(5)));
	ASSERT(0x7fffffffffffffff, mk16(1, 0x7fffffffffffffff).b);
	ASSERT(3 + 30 + 300, sum24(mk24(3)));
	ASSERT('p' + 1000, sump(mkp(1000)));
	ASSERT(1234 + 17, sumu(mku(1234)));
	ASSERT(77, mkn(1).t);
	ASSERT(3, mkn(1).in.c);

	/* Assignment: plain, through pointers and arrays, chained, from a call. */
	struct s12 a = mk12(1), b, arr[3];
	struct s12 *p = &arr[1];
	b = a;
	ASSERT(-1, b.b);
	*p = b;
	ASSERT(2, arr[1].c);
	arr[2] = arr[0] = *p;
	ASSERT(1, arr[2].a + arr[0].a - arr[1].a);
	arr[0] = mk12(6);
	ASSERT(12, arr[0].c);
	p->b = 40;
	ASSERT(40, arr[1].b);
	ASSERT(-1, b.b);

	/* Arguments are copies. */
	ASSERT(99, clobber(a));
	ASSERT(1, a.a);

	/* Sizes and alignment are unchanged. */
	ASSERT(3, sizeof(struct s3));
	ASSERT(12, sizeof(mk12(0)));
	ASSERT(5, sizeof(struct sp));
	ASSERT(8, sizeof(union un));
	ASSERT(16, _Alignof(struct al16));

	/* Large and over-aligned structures, and the stack argument area. */
	struct big g;
	for (int i = 0; i < 6; i++) g.v[i] = i + 1;
	ASSERT(21, sumbig(g));
	struct al16 x = { 40 };
	ASSERT(43, al(1, x, 2));
	struct s16 s = { 7, 3 };
	ASSERT(1 + 2 + 3 + 4 + 5 + 7000 + 300 + 6, mixed(1, 2, 3, 4, 5, s, 6));
	/* Calls nested in the arguments while the stack area is reserved. */
	ASSERT(sum3(mk3(1)) + 8000 + 900 + 15, mixed(mk1(1).a, 2, 3, 4, 5, mk16(8, 9), sum3(mk3(1))));
	mk24(1); /* a result nobody reads */

	/* Initialisers, ?:, comma, statement expressions. */
	struct s8 c = next8(), d = next8();
	ASSERT(1, c.a);
	ASSERT(4, d.b);
	struct s8 e = c.a > d.a ? c : d;
	ASSERT(2, e.a);
	e = (counter++, c);
	ASSERT(1, e.a);
	ASSERT(3, counter);
	e = ({ struct s8 t = { 11, 12 }; t; });
	ASSERT(12, e.b);
	ASSERT(4, (counter ? next8() : c).a);

	struct s12 (*fp)(struct s12) = twice;
	struct s12 t = fp(fp(mk12(2)));
	ASSERT(8 * 100 - 80 + 16, sum12(t));
	return DONE();
}
