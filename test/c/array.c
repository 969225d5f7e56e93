// One- and multi-dimensional arrays, array parameters, sizeof of arrays.
#include "test.h"

int sum(int *a, int n) { int s = 0; for (int i = 0; i < n; i++) s += a[i]; return s; }
int grid_sum(int g[][3], int rows)
{
	int s = 0;
	for (int r = 0; r < rows; r++)
		for (int c = 0; c < 3; c++)
			s += g[r][c];
	return s;
}

int main(void)
{
	int a[10];
	for (int i = 0; i < 10; i++)
		a[i] = i * i;
	ASSERT(81, a[9]);
	ASSERT(285, sum(a, 10));
	ASSERT(40, sizeof(a));
	ASSERT(10, sizeof(a) / sizeof(a[0]));
	{
		int g[2][3] = {{1, 2, 3}, {4, 5, 6}};
		ASSERT(21, grid_sum(g, 2));
		ASSERT(24, sizeof(g));
		ASSERT(12, sizeof(g[0]));
		ASSERT(6, g[1][2]);
		ASSERT(4, *g[1]);
		ASSERT(5, *(*(g + 1) + 1));
		char m[3][4][5];
		ASSERT(60, sizeof(m));
		ASSERT(20, sizeof(m[0]));
		m[2][3][4] = 'z';
		ASSERT('z', ((char *)m)[59]);
		long big[4] = {1, 2};
		ASSERT(0, big[3]);
		ASSERT(2, big[1]);
		int (*row)[3] = g;
		ASSERT(4, row[1][0]);
		row++;
		ASSERT(5, (*row)[1]);
	}
	return DONE();
}
