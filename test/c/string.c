// String literals and character constants: escapes, concatenation, char arrays.
#include "test.h"

int my_strlen(const char *s) { int n = 0; while (*s++) n++; return n; }

int main(void)
{
	ASSERT(97, "abc"[0]);
	ASSERT(99, "abc"[2]);
	ASSERT(0, "abc"[3]);
	ASSERT(4, sizeof("abc"));
	ASSERT(7, "\a"[0]);
	ASSERT(8, "\b"[0]);
	ASSERT(9, "\t"[0]);
	ASSERT(10, "\n"[0]);
	ASSERT(11, "\v"[0]);
	ASSERT(12, "\f"[0]);
	ASSERT(13, "\r"[0]);
	ASSERT(27, "\e"[0]);
	ASSERT(0, "\0"[0]);
	ASSERT(8, "\10"[0]);
	ASSERT(65, "\101"[0]);
	ASSERT(-1, "\xff"[0]);
	ASSERT(18, "\x12"[0]);
	ASSERT(92, "\\"[0]);
	ASSERT(34, "\""[0]);
	ASSERT(39, '\'');
	ASSERT(6, my_strlen("foobar"));
	ASSERT(11, my_strlen("hello" " " "world"));
	ASSERT(12, sizeof("hello" " " "world"));
	{
		char s[] = "xyz";
		ASSERT(4, sizeof(s));
		s[0] = 'X';
		ASSERT(88, s[0]);
		char t[8] = "ab";
		ASSERT(0, t[7]);
		ASSERT(98, t[1]);
		const char *msg = "message";
		ASSERT(115, msg[2]);
		char u[3] = "abc";
		ASSERT(99, u[2]);
	}
	printf("%s|%5s|%-4s|%c\n", "str", "ab", "cd", 'q');
	printf("%d %u %x %X %ld|\n", -42, 42u, 255, 255, -1L);
	printf("%lu %lx %05d %-3d|%o\n", 7UL, 0xabcdefL, 42, 7, 8);
	return DONE();
}
