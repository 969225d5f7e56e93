// The flat64 C runtime's library, in handler-C: putchar/puts over the COM1 UART, exit() through
// the isa-debug-exit port, a few string functions, and printk — a fixed-argument printf (up to
// five arguments; handler-C does not define variadic functions) that callers may declare as
// `int printk(const char *fmt, ...)`, since integer arguments travel the same way (psABI §3.2.3).
// printf is the same printer, so test programs print identically here and under a hosted libc.

export const CRT_LIB_C = `\
/* crt-lib.c: the flat64 C runtime library (src/kernel-rt/crt/lib.ts) */
#define COM1 0x3f8
#define UART_LSR (COM1 + 5)
#define UART_LSR_THRE 0x20 /* transmit holding register empty */
#define DEBUG_EXIT_PORT 0xf4

typedef unsigned long size_t;

static inline void outb(unsigned char v, unsigned short port)
{
	asm volatile("outb %b0, %w1" : : "a"(v), "d"(port));
}

static inline unsigned char inb(unsigned short port)
{
	unsigned char v;
	asm volatile("inb %w1, %b0" : "=a"(v) : "d"(port));
	return v;
}

int putchar(int c)
{
	while (!(inb(UART_LSR) & UART_LSR_THRE))
		;
	outb(c, COM1);
	return c & 0xff;
}

int puts(const char *s)
{
	while (*s)
		putchar(*s++);
	putchar('\\n');
	return 1;
}

__attribute__((noreturn)) void exit(int status)
{
	outb(status, DEBUG_EXIT_PORT);
	for (;;)
		asm volatile("hlt");
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;
	while (n--)
		*p++ = c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}

struct spec {
	int left;   /* '-' */
	int zero;   /* '0' */
	int width;
	int longs;  /* number of 'l' */
};

static int emit_padded(const char *s, int len, struct spec *sp)
{
	int n = 0;
	int pad = sp->width > len ? sp->width - len : 0;
	if (!sp->left)
		for (; pad > 0; pad--, n++)
			putchar(sp->zero ? '0' : ' ');
	for (int i = 0; i < len; i++, n++)
		putchar(s[i]);
	for (; pad > 0; pad--, n++)
		putchar(' ');
	return n;
}

static int emit_number(unsigned long v, int negative, unsigned base, int upper, struct spec *sp)
{
	char buf[24];
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int i = sizeof(buf);
	int n = 0;
	do {
		buf[--i] = digits[v % base];
		v /= base;
	} while (v);
	if (negative) {
		if (sp->zero && sp->width > 0) {
			putchar('-');
			n++;
			sp->width--;
		} else
			buf[--i] = '-';
	}
	return n + emit_padded(buf + i, sizeof(buf) - i, sp);
}

static int emit_arg(char conv, long arg, struct spec *sp)
{
	long sv = sp->longs ? arg : (int)arg;
	unsigned long uv = sp->longs ? (unsigned long)arg : (unsigned int)arg;
	char c;
	const char *s;
	switch (conv) {
	case 'd':
	case 'i':
		return emit_number(sv < 0 ? -(unsigned long)sv : sv, sv < 0, 10, 0, sp);
	case 'u':
		return emit_number(uv, 0, 10, 0, sp);
	case 'x':
		return emit_number(uv, 0, 16, 0, sp);
	case 'X':
		return emit_number(uv, 0, 16, 1, sp);
	case 'o':
		return emit_number(uv, 0, 8, 0, sp);
	case 'p':
		putchar('0');
		putchar('x');
		return 2 + emit_number((unsigned long)arg, 0, 16, 0, sp);
	case 'c':
		c = (char)arg;
		return emit_padded(&c, 1, sp);
	case 's':
		s = (const char *)arg;
		if (!s)
			s = "(null)";
		return emit_padded(s, strlen(s), sp);
	}
	return 0;
}

/* printk(fmt, a0..a4): %d %i %u %x %X %o %p %c %s %%, flags '-' '0', a width, l/ll/z sizes. */
int printk(const char *fmt, long a0, long a1, long a2, long a3, long a4)
{
	long args[5];
	int next = 0;
	int n = 0;
	args[0] = a0;
	args[1] = a1;
	args[2] = a2;
	args[3] = a3;
	args[4] = a4;
	for (; *fmt; fmt++) {
		struct spec sp = {0, 0, 0, 0};
		if (*fmt != '%') {
			putchar(*fmt);
			n++;
			continue;
		}
		fmt++;
		if (*fmt == '%') {
			putchar('%');
			n++;
			continue;
		}
		for (;; fmt++) {
			if (*fmt == '-')
				sp.left = 1;
			else if (*fmt == '0')
				sp.zero = 1;
			else
				break;
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			sp.width = sp.width * 10 + (*fmt - '0');
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			sp.longs++;
		if (!*fmt)
			break;
		n += emit_arg(*fmt, next < 5 ? args[next] : 0, &sp);
		next++;
	}
	return n;
}

int printf(const char *fmt, long a0, long a1, long a2, long a3, long a4)
{
	return printk(fmt, a0, a1, a2, a3, a4);
}
`;
