// goto and labels: forward and backward jumps, leaving nested loops, labels in their own
// name space.
#include "test.h"

int find(int (*grid)[4], int want)
{
	int r, c;
	for (r = 0; r < 4; r++)
		for (c = 0; c < 4; c++)
			if (grid[r][c] == want)
				goto found;
	return -1;
found:
	return r * 4 + c;
}

int main(void)
{
	int i = 0;
	int grid[4][4];
again:
	grid[i / 4][i % 4] = i * 3;
	if (++i < 16)
		goto again;
	ASSERT(5, find(grid, 15));
	ASSERT(-1, find(grid, 16));
	{
		int n = 0;
		goto skip;
		n = 100;
	skip:
		n++;
		ASSERT(1, n);
		int i = 0;
	i:
		if (i < 3) {
			i++;
			goto i;
		}
		ASSERT(3, i);
	}
	return DONE();
}
