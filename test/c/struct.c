// Structures: members, nesting, pointers to structs, assignment copies the whole object.
#include "test.h"

struct point { int x, y; };
struct rect { struct point lo, hi; char tag; };
struct node { int val; struct node *next; };

int area(struct rect *r) { return (r->hi.x - r->lo.x) * (r->hi.y - r->lo.y); }
int list_sum(struct node *n) { int s = 0; for (; n; n = n->next) s += n->val; return s; }

int main(void)
{
	struct point p;
	p.x = 3;
	p.y = 4;
	ASSERT(7, p.x + p.y);
	struct rect r;
	r.lo = p;
	r.hi.x = 13;
	r.hi.y = 24;
	r.tag = 'r';
	ASSERT(200, area(&r));
	ASSERT(3, r.lo.x);
	{
		struct rect copy = r;
		copy.lo.x = 0;
		ASSERT(3, r.lo.x);
		ASSERT(0, copy.lo.x);
		ASSERT(114, copy.tag);
		struct node c = {3, 0}, b = {2, &c}, a = {1, &b};
		ASSERT(6, list_sum(&a));
		ASSERT(3, a.next->next->val);
		struct point *pp = &r.hi;
		pp->x = 20;
		ASSERT(20, r.hi.x);
		ASSERT(24, (*pp).y);
		struct { int a; long b; } anon = {5, 6};
		ASSERT(11, anon.a + anon.b);
		struct point arr[2];
		arr[1] = p;
		ASSERT(4, arr[1].y);
	}
	return DONE();
}
