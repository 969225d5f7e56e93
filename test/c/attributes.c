// GNU attributes the kernel relies on: section, noinline, always_inline, aligned, packed,
// unused, noreturn; and qualifiers const, volatile, static, extern, inline.
#include "test.h"

#define __section(s) __attribute__((section(s)))
#define noinline __attribute__((noinline))
#define __always_inline inline __attribute__((always_inline))
#define __aligned(n) __attribute__((aligned(n)))
#define __packed __attribute__((packed))
#define __maybe_unused __attribute__((unused))

int in_data_section __section(".data.special") = 17;
noinline int plain(int x) { return x * 2; }
static __always_inline int fast(int x) { return x + 1; }
static __always_inline int never_called(int x) { return x; }
char pad_before;
int aligned_var __aligned(64) = 3;
struct __packed hdr { unsigned char type; unsigned int len; unsigned short flags; };
struct vec { long x; } __aligned(32);
const int table[3] = {1, 2, 3};
volatile int vol;
extern int declared_later;
int declared_later = 5;
__attribute__((noreturn)) void die(void);

int main(void)
{
	int __maybe_unused unused_local;
	ASSERT(17, in_data_section);
	ASSERT(8, plain(4));
	ASSERT(5, fast(4));
	ASSERT(0, (long)&aligned_var % 64);
	ASSERT(7, sizeof(struct hdr));
	ASSERT(32, sizeof(struct vec));
	ASSERT(32, _Alignof(struct vec));
	ASSERT(3, table[2]);
	vol = 4;
	vol++;
	ASSERT(5, vol);
	ASSERT(5, declared_later);
	{
		struct hdr h = {1, 0x01020304, 0x0506};
		ASSERT(0x01020304, h.len);
		ASSERT(4, ((unsigned char *)&h)[1]);
		int buf[4] __aligned(16) = {1};
		ASSERT(0, (long)buf % 16);
	}
	return DONE();
}
