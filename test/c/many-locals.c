// Many live locals and temporaries at once (register pressure in a register allocator; here,
// stack slots), and deep expressions.
#include "test.h"

long mix(long a, long b, long c, long d, long e, long f)
{
	long g = a + b, h = c + d, i = e + f, j = g * h, k = h * i, l = i * g;
	long m = j - k + l, n = m * 2 + a, o = n - b * c, p = o + d * e, q = p - f * a;
	long r = q + g + h + i + j + k + l + m + n + o + p;
	return r;
}

int main(void)
{
	int v0 = 0, v1 = 1, v2 = 2, v3 = 3, v4 = 4, v5 = 5, v6 = 6, v7 = 7, v8 = 8, v9 = 9;
	int w0 = 10, w1 = 11, w2 = 12, w3 = 13, w4 = 14, w5 = 15, w6 = 16, w7 = 17, w8 = 18, w9 = 19;
	char c0 = 'a', c1 = 'b';
	short s0 = -300;
	long l0 = 1L << 40;
	unsigned char u0 = 250;
	ASSERT(45, v0 + v1 + v2 + v3 + v4 + v5 + v6 + v7 + v8 + v9);
	ASSERT(145, w0 + w1 + w2 + w3 + w4 + w5 + w6 + w7 + w8 + w9);
	ASSERT(291, c0 + c1 - s0 / 3 - 4);
	ASSERT(1099511628026L, l0 + u0);
	ASSERT(((v1 + w1) * (v2 + w2) - (v3 + w3) * (v4 + w4)) / (v5 + 1), ((1 + 11) * (2 + 12) - (3 + 13) * (4 + 14)) / 6);
	ASSERT(mix(1, 2, 3, 4, 5, 6), mix(1, 2, 3, 4, 5, 6));
	ASSERT(-35, mix(1, 2, 3, 4, 5, 6) - 0);
	ASSERT(36, ((((((((v1 + v2) + v3) + v4) + v5) + v6) + v7) + v8)));
	ASSERT(36, (v1 + (v2 + (v3 + (v4 + (v5 + (v6 + (v7 + v8))))))));
	return DONE();
}
