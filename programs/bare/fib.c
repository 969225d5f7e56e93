/*
 * fib.c — handler-C on the flat64 machine: `entrylab run programs/bare/fib.c`. The C runtime
 * (src/kernel-rt/crt) sets up a stack, zeroes .bss, calls main and passes its return value to
 * the isa-debug-exit port; printk prints on COM1.
 */
int printk(const char *fmt, long a, long b, long c, long d, long e);

static long fib(int n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(void)
{
	for (int i = 0; i <= 20; i += 5)
		printk("fib(%d) = %ld\n", i, fib(i), 0, 0, 0);
	return 0;
}
