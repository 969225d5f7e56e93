// Global objects with initialisers: scalars of each width, arrays, structs, pointers to other
// globals and into arrays and strings (address constants), and zero-initialised objects.
#include "test.h"

char gc = -5;
unsigned char guc = 250;
short gs = -1000;
int gi = 123456;
long gl = -9000000000L;
unsigned long gul = 0xfedcba9876543210UL;
_Bool gb = 7;
int zero_int;
long zero_arr[100];
int garr[5] = {1, 2, 3};
int *gp = &gi;
int *gpa = &garr[2];
int *gpb = garr + 4;
char *gstr = "global";
char gchars[] = "chars";
const char *names[] = {"zero", "one", "two"};
struct pt { int x; char c; long l; } gpt = {1, 'c', 3};
struct pt gpts[2] = {{1, 2, 3}, {4, 5, 6}};
long *glp = &gpt.l;
int gneg = -(3 + 4) * 2;
long gexpr = sizeof(struct pt) * 2 + (1 << 4);
char *gmid = "abcdef" + 2;
int (*gfp)(void);
int answer(void) { return 42; }
int (*gfp2)(void) = answer;

int main(void)
{
	ASSERT(-5, gc);
	ASSERT(250, guc);
	ASSERT(-1000, gs);
	ASSERT(123456, gi);
	ASSERT(-9000000000L, gl);
	ASSERT(1, gul == 0xfedcba9876543210UL);
	ASSERT(1, gb);
	ASSERT(0, zero_int);
	ASSERT(0, zero_arr[99]);
	ASSERT(3, garr[2]);
	ASSERT(0, garr[4]);
	ASSERT(123456, *gp);
	ASSERT(3, *gpa);
	ASSERT(4, gpb - garr);
	ASSERT(98, gstr[3]);
	ASSERT(6, sizeof(gchars));
	ASSERT(119, names[2][1]);
	ASSERT(99, gpt.c);
	ASSERT(5, gpts[1].c);
	ASSERT(3, *glp);
	ASSERT(-14, gneg);
	ASSERT(48, gexpr);
	ASSERT(99, *gmid);
	ASSERT(1, gfp == 0);
	ASSERT(42, gfp2());
	gi = 7;
	ASSERT(7, *gp);
	return DONE();
}
