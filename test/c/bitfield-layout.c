// Bit-field layout against gcc on x86-64: for a dozen structure shapes (x86 segment and gate
// descriptors, mixed storage units, unnamed and zero-width fields, packed structures, unions)
// print sizeof, _Alignof and the offsets of ordinary members, then set every field and print
// the object's bytes, so any difference in packing shows.
#include "test.h"
#include "stddef-lite.h"

typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;

/* An 8-byte GDT descriptor as Linux's desc_struct declares it (SDM Vol. 3A §3.4.5). */
struct desc_struct {
	u16 limit0;
	u16 base0;
	u16 base1 : 8, type : 4, s : 1, dpl : 2, p : 1;
	u16 limit1 : 4, avl : 1, l : 1, d : 1, g : 1, base2 : 8;
} __attribute__((packed));

/* An IDT gate's bits (SDM Vol. 3A §6.14.1). */
struct idt_bits { u16 ist : 3, zero : 5, type : 5, dpl : 2, p : 1; } __attribute__((packed));
struct gate_struct { u16 offset_low; u16 segment; struct idt_bits bits; u16 offset_middle; u32 offset_high; u32 reserved; } __attribute__((packed));

struct mixed { char a; int b : 4; int c : 28; char d; };
struct straddle { int a : 30; int b : 4; };
struct longs { int a; int : 3; long b : 40; char c : 2; };
struct zero { char a; int : 0; char b; };
struct zero_long { char a; long : 0; char b : 3; };
struct unnamed { unsigned x : 3; unsigned : 5; unsigned y : 8; short z; };
struct charunit { char a : 3; char b : 6; char c : 7; };
struct packed_bits { char a; unsigned int b : 20; unsigned int c : 20; } __attribute__((packed));
union ubits { unsigned a : 3; unsigned char b : 7; long c : 33; };
struct booleans { _Bool a : 1; _Bool b : 1; unsigned char rest : 6; int tail; };
struct wide { unsigned long a : 64; unsigned long b : 1; long c : 63; };

static void dump(const char *name, const void *p, int n)
{
	const unsigned char *b = p;
	printf("%s:", name);
	for (int i = 0; i < n; i++)
		printf(" %02x", b[i]);
	printf("\n");
}

#define SHAPE(T) printf("%s size %d align %d\n", #T, (int)sizeof(T), (int)_Alignof(T))
#define OFF(T, m) printf("  %s.%s at %d\n", #T, #m, (int)offsetof(T, m))

int main(void)
{
	SHAPE(struct desc_struct);
	OFF(struct desc_struct, base0);
	struct desc_struct d = { 0 };
	d.limit0 = 0xffff;
	d.base0 = 0x1234;
	d.base1 = 0x56;
	d.type = 0xb;
	d.s = 1;
	d.dpl = 3;
	d.p = 1;
	d.limit1 = 0xf;
	d.avl = 0;
	d.l = 1;
	d.d = 0;
	d.g = 1;
	d.base2 = 0x78;
	dump("desc", &d, sizeof(d));
	ASSERT(3, d.dpl);
	ASSERT(0xb, d.type);

	SHAPE(struct gate_struct);
	OFF(struct gate_struct, bits);
	OFF(struct gate_struct, offset_high);
	struct gate_struct g = { 0xbeef, 0x10, { 2, 0, 0xe, 3, 1 }, 0xdead, 0xffffffff, 0 };
	dump("gate", &g, sizeof(g));
	ASSERT(0xe, g.bits.type);

	SHAPE(struct mixed);
	OFF(struct mixed, d);
	struct mixed m = { 0x11, -2, 0x1234567, 0x22 };
	dump("mixed", &m, sizeof(m));
	ASSERT(-2, m.b);

	SHAPE(struct straddle);
	struct straddle s = { -1, 5 };
	dump("straddle", &s, sizeof(s));

	SHAPE(struct longs);
	OFF(struct longs, a);
	struct longs l = { 7, 0x123456789a, -1 };
	dump("longs", &l, sizeof(l));
	ASSERT(-1, l.c);

	SHAPE(struct zero);
	OFF(struct zero, b);
	struct zero z = { 1, 2 };
	dump("zero", &z, sizeof(z));

	SHAPE(struct zero_long);
	struct zero_long zl = { 1, 5 };
	dump("zero_long", &zl, sizeof(zl));

	SHAPE(struct unnamed);
	OFF(struct unnamed, z);
	struct unnamed u = { 5, 0xab, -1 };
	dump("unnamed", &u, sizeof(u));

	SHAPE(struct charunit);
	struct charunit c = { -1, 0x15, 0x3f };
	dump("charunit", &c, sizeof(c));

	SHAPE(struct packed_bits);
	struct packed_bits pb = { 0x7f, 0xabcde, 0x12345 };
	dump("packed_bits", &pb, sizeof(pb));
	ASSERT(0x12345, pb.c);

	SHAPE(union ubits);
	union ubits ub = { 0 };
	ub.c = -1;
	ub.a = 2;
	dump("ubits", &ub, sizeof(ub));
	ASSERT(0x7a, ub.b);

	SHAPE(struct booleans);
	OFF(struct booleans, tail);
	struct booleans bo = { 1, 0, 0x2a, 9 };
	dump("booleans", &bo, sizeof(bo));

	SHAPE(struct wide);
	struct wide w = { 0x8000000000000001, 1, -5 };
	dump("wide", &w, sizeof(w));
	ASSERT(-5, w.c);
	return DONE();
}
