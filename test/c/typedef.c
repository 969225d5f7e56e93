// typedef names for scalars, pointers, arrays, structs and function types.
#include "test.h"

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef long s64;
typedef int vec3[3];
typedef struct pair { int a, b; } pair_t;
typedef int (*binop)(int, int);
typedef int myint, *myintp;

int plus(int a, int b) { return a + b; }

int main(void)
{
	u8 b = 300;
	u16 h = 70000;
	u32 w = -1;
	u64 q = -1;
	s64 s = -1;
	ASSERT(44, b);
	ASSERT(4464, h);
	ASSERT(4294967295L, w);
	ASSERT(1, q == 0xffffffffffffffffUL);
	ASSERT(-1, s);
	ASSERT(1, sizeof(u8));
	ASSERT(8, sizeof(u64));
	{
		vec3 v = {1, 2, 3};
		ASSERT(12, sizeof(vec3));
		ASSERT(3, v[2]);
		pair_t p = {4, 5};
		struct pair *pp = &p;
		ASSERT(9, pp->a + pp->b);
		binop f = plus;
		ASSERT(7, f(3, 4));
		myint m = 6;
		myintp mp = &m;
		ASSERT(6, *mp);
		typedef char inner;
		inner in = 'i';
		ASSERT(105, in);
	}
	return DONE();
}
