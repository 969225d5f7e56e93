// Compound literals (C11 6.5.2.5): structures, arrays of known and unknown size, scalars;
// automatic ones are lvalues initialised each time they are evaluated (zero-filled where the
// list is short); file-scope ones are static and may initialise pointers and (GNU) structures.
#include "test.h"

struct pt { int x, y; };
struct box { struct pt lo, hi; const char *name; };

static int *gp = (int[]){ 10, 20, 30 };
static struct pt *gpt = &(struct pt){ .y = 5 };
static struct pt gs = (struct pt){ 3, 4 };
static const char **names = (const char *[]){ "a", "bc" };

static int sum(const int *a, int n) { int s = 0; for (int i = 0; i < n; i++) s += a[i]; return s; }
static int dist(struct pt p) { return p.x + p.y; }
static struct pt *self(struct pt *p) { return p; }

int main(void)
{
	ASSERT(7, (((struct pt){ 3, 4 }).x + ((struct pt){ 3, 4 }).y));
	ASSERT(9, ((struct pt){ .y = 9 }.y));
	ASSERT(0, ((struct pt){ .y = 9 }.x));
	ASSERT(6, sum((int[]){ 1, 2, 3 }, 3));
	ASSERT(2, ((int[]){ 1, 2, 3 }[1]));
	ASSERT(12, sizeof((int[]){ 1, 2, 3 }));
	ASSERT(40, sizeof((int[10]){ 1 }));
	ASSERT(0, (int[10]){ 1 }[9]);
	ASSERT(5, (int){ 5 });
	ASSERT(11, dist((struct pt){ 5, 6 }));

	/* Lvalues: assignable, addressable. */
	struct pt *p = &(struct pt){ 1, 2 };
	p->x = 40;
	ASSERT(42, p->x + p->y);
	(struct pt){ 0 }.x = 3;
	ASSERT(8, self(&(struct pt){ 8 })->x);

	/* Initialised again on each evaluation. */
	int total = 0;
	for (int i = 0; i < 4; i++) {
		int *a = (int[2]){ i, i * 2 };
		total += a[0] + a[1];
		a[0] = 100;
	}
	ASSERT(18, total);

	struct box b = (struct box){ .hi = { 7, 8 }, .name = "box" };
	ASSERT(15, b.hi.x + b.hi.y);
	ASSERT('o', b.name[1]);
	b = (struct box){ (struct pt){ 1, 1 } };
	ASSERT(2, b.lo.x + b.lo.y);
	ASSERT(1, b.name == 0);

	ASSERT(60, sum(gp, 3));
	ASSERT(5, gpt->y);
	ASSERT(7, gs.x + gs.y);
	ASSERT('c', names[1][1]);
	return DONE();
}
