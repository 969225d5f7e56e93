// The System V x86-64 struct layout: members at their alignment, size rounded up to the
// largest; packed and aligned(n) attributes; offsetof.
#include "test.h"
#include "stddef-lite.h"

struct a { char c; int i; };
struct b { char c; long l; char d; };
struct c { char c; short s; char d; };
struct d { char c[3]; };
struct e { long l; char c; };
struct __attribute__((packed)) f { char c; int i; long l; };
struct g { char c; int i; } __attribute__((packed));
struct h { char c; } __attribute__((aligned(16)));
struct i { char c; int i __attribute__((aligned(8))); };
struct j { struct a a; char c; struct b b; };
struct k { char c; union { int i; char bytes[6]; } u; };
struct l { int n; int items[]; };

int main(void)
{
	ASSERT(8, sizeof(struct a));
	ASSERT(4, offsetof(struct a, i));
	ASSERT(24, sizeof(struct b));
	ASSERT(16, offsetof(struct b, d));
	ASSERT(6, sizeof(struct c));
	ASSERT(2, offsetof(struct c, s));
	ASSERT(3, sizeof(struct d));
	ASSERT(1, _Alignof(struct d));
	ASSERT(16, sizeof(struct e));
	ASSERT(13, sizeof(struct f));
	ASSERT(1, offsetof(struct f, i));
	ASSERT(5, offsetof(struct f, l));
	ASSERT(1, _Alignof(struct f));
	ASSERT(5, sizeof(struct g));
	ASSERT(16, sizeof(struct h));
	ASSERT(16, _Alignof(struct h));
	ASSERT(16, sizeof(struct i));
	ASSERT(8, offsetof(struct i, i));
	ASSERT(40, sizeof(struct j));
	ASSERT(8, offsetof(struct j, c));
	ASSERT(16, offsetof(struct j, b));
	ASSERT(32, offsetof(struct j, b.d));
	ASSERT(12, sizeof(struct k));
	ASSERT(4, offsetof(struct k, u));
	ASSERT(4, sizeof(struct l));
	ASSERT(4, offsetof(struct l, items));
	{
		struct f pf;
		pf.i = 0x12345678;
		pf.l = -1;
		pf.c = 1;
		ASSERT(0x12345678, pf.i);
		ASSERT(-1, pf.l);
		ASSERT(0x78, ((unsigned char *)&pf)[1]);
	}
	return DONE();
}
