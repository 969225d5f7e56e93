/*
 * test.h: the handler-C test harness, in chibicc's manner. ASSERT(expected, expr) prints
 * "expr => value" and stops the program with status 1 when value is not what was expected;
 * main returns 0 after printing "OK". The same source builds with gcc for the host (printf and
 * exit from libc) and with entrylab for the VM (the flat64 C runtime's printf and exit), and both
 * must print the same text.
 */
#ifndef TEST_H
#define TEST_H

int printf(const char *fmt, ...);
void exit(int status);

static int test_count;

static void assert_eq(long expected, long actual, const char *code)
{
	test_count++;
	if (expected == actual) {
		printf("%s => %ld\n", code, actual);
		return;
	}
	printf("%s => %ld expected but got %ld\n", code, expected, actual);
	exit(1);
}

#define ASSERT(x, y) assert_eq(x, y, #y)
#define DONE() (printf("OK %d\n", test_count), 0)

#endif
