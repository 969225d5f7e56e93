// Designated initialisers (C11 6.7.9): array indices, struct members, nested and mixed with
// positional ones, a syscall table in the kernel's style.
#include "test.h"

#define __NR_read 0
#define __NR_write 1
#define __NR_getpid 39
#define NR_syscalls 64

typedef long (*sys_call_ptr_t)(long);
long sys_ni_syscall(long a) { return -38; }
long sys_read(long a) { return 100 + a; }
long sys_write(long a) { return 200 + a; }
long sys_getpid(long a) { return 4242; }

sys_call_ptr_t sys_call_table[NR_syscalls] = {
	[0 ... NR_syscalls - 1] = sys_ni_syscall,
	[__NR_read] = sys_read,
	[__NR_write] = sys_write,
	[__NR_getpid] = sys_getpid,
};

struct cfg { int a; int b; char name[4]; struct { int x, y; } pos; long tail; };
struct cfg gcfg = { .b = 2, .pos.y = 9, .name = "ab", .tail = 1 };
int sparse[10] = { [3] = 3, [7] = 7, 8, [1] = 1 };
int grid[3][3] = { [1] = {1, 2, 3}, [2][2] = 9 };
int sized[] = { [5] = 5 };

int main(void)
{
	ASSERT(4242, sys_call_table[__NR_getpid](0));
	ASSERT(105, sys_call_table[__NR_read](5));
	ASSERT(201, sys_call_table[__NR_write](1));
	ASSERT(-38, sys_call_table[2](0));
	ASSERT(-38, sys_call_table[63](0));
	ASSERT(0, gcfg.a);
	ASSERT(2, gcfg.b);
	ASSERT(98, gcfg.name[1]);
	ASSERT(9, gcfg.pos.y);
	ASSERT(1, gcfg.tail);
	ASSERT(3, sparse[3]);
	ASSERT(8, sparse[8]);
	ASSERT(1, sparse[1]);
	ASSERT(0, sparse[9]);
	ASSERT(2, grid[1][1]);
	ASSERT(9, grid[2][2]);
	ASSERT(0, grid[0][0]);
	ASSERT(24, sizeof(sized));
	{
		struct cfg l = { .pos = {5, 6}, .a = 1 };
		int arr[5] = { [4] = 4, [0] = 10 };
		ASSERT(1, l.a);
		ASSERT(0, l.b);
		ASSERT(6, l.pos.y);
		ASSERT(10, arr[0]);
		ASSERT(4, arr[4]);
		ASSERT(0, arr[2]);
	}
	return DONE();
}
