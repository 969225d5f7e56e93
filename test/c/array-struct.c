// Arrays of structs, structs holding arrays, and walking them with pointers.
#include "test.h"

struct item { char name[8]; int qty; long price; };
struct inventory { int count; struct item items[4]; };

long total(struct inventory *inv)
{
	long t = 0;
	for (struct item *it = inv->items; it < inv->items + inv->count; it++)
		t += it->qty * it->price;
	return t;
}

int main(void)
{
	struct inventory inv;
	inv.count = 3;
	for (int i = 0; i < 3; i++) {
		inv.items[i].qty = i + 1;
		inv.items[i].price = 100 * (i + 1);
		inv.items[i].name[0] = 'a' + i;
		inv.items[i].name[1] = 0;
	}
	ASSERT(24, sizeof(struct item));
	ASSERT(104, sizeof(struct inventory));
	ASSERT(1400, total(&inv));
	ASSERT('c', inv.items[2].name[0]);
	ASSERT(2, &inv.items[2] - &inv.items[0]);
	{
		struct item *p = &inv.items[1];
		ASSERT(200, p->price);
		ASSERT(300, (p + 1)->price);
		ASSERT(48, (char *)(p + 1) - (char *)(p - 1));
		struct item copy[2];
		copy[0] = inv.items[2];
		ASSERT(3, copy[0].qty);
	}
	return DONE();
}
