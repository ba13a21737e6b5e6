/*
 * vsnprintf for the kernel: C11 7.21.6.1 conversions d i u o x X c s p %,
 * flags - + space 0 #, width and precision (also *), length hh h l ll z t j.
 * No floating point (the kernel is built -mgeneral-regs-only).  Always
 * NUL-terminates when size > 0 and returns the length it wanted to write.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	int left, plus, space, zero, alt;
	int width, prec; /* prec < 0: none given */
};

static void put_str(struct out *o, const struct spec *sp, const char *s)
{
	if (!s)
		s = "(null)";
	size_t n = sp->prec >= 0 ? strnlen(s, sp->prec) : strlen(s);
	if (!sp->left)
		pad(o, ' ', sp->width - (int)n);
	for (size_t i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->left)
		pad(o, ' ', sp->width - (int)n);
}

static void put_num(struct out *o, const struct spec *sp, uint64_t v, int neg, int base, int upper)
{
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;
	while (v) {
		tmp[n++] = dig[v % base];
		v /= base;
	}
	int digits = n;
	if (sp->prec > digits)
		digits = sp->prec;
	if (sp->prec < 0 && digits == 0)
		digits = 1; /* "0", but precision 0 with value 0 prints nothing */
	if (sp->alt && base == 8 && digits <= n)
		digits = n + 1;
	const char *prefix = neg ? "-" : sp->plus ? "+" : sp->space ? " " : "";
	if (sp->alt && base == 16 && n)
		prefix = upper ? "0X" : "0x";
	int plen = (int)strlen(prefix);
	int fill = sp->width - plen - digits;
	if (!sp->left && !(sp->zero && sp->prec < 0))
		pad(o, ' ', fill);
	for (const char *p = prefix; *p; p++)
		put(o, *p);
	if (!sp->left && sp->zero && sp->prec < 0)
		pad(o, '0', fill);
	pad(o, '0', digits - n);
	while (n)
		put(o, tmp[--n]);
	if (sp->left)
		pad(o, ' ', fill);
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	memset(sp, 0, sizeof(*sp));
	sp->prec = -1;
	for (;; f++) {
		if (*f == '-')
			sp->left = 1;
		else if (*f == '+')
			sp->plus = 1;
		else if (*f == ' ')
			sp->space = 1;
		else if (*f == '0')
			sp->zero = 1;
		else if (*f == '#')
			sp->alt = 1;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = 1;
			sp->width = -sp->width;
		}
		f++;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			f++;
		}
		while (*f >= '0' && *f <= '9')
			sp->prec = sp->prec * 10 + (*f++ - '0');
	}
	return f;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap0)
{
	struct out o = { buf, size, 0 };
	va_list ap;
	va_copy(ap, ap0);

	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		struct spec sp;
		f = parse_spec(f + 1, &sp, &ap);
		int lng = 0; /* 0 int, 1 long, 2 long long, -1 short, -2 char */
		for (;; f++) {
			if (*f == 'l')
				lng++;
			else if (*f == 'h')
				lng--;
			else if (*f == 'z' || *f == 't' || *f == 'j')
				lng = 1;
			else
				break;
		}
		uint64_t u;
		int64_t s;
		switch (*f) {
		case 'd':
		case 'i':
			s = lng >= 1 ? (lng == 1 ? va_arg(ap, long) : va_arg(ap, long long)) : va_arg(ap, int);
			if (lng == -1)
				s = (short)s;
			else if (lng <= -2)
				s = (signed char)s;
			put_num(&o, &sp, s < 0 ? -(uint64_t)s : (uint64_t)s, s < 0, 10, 0);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			u = lng >= 1 ? (lng == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned long long))
				     : va_arg(ap, unsigned int);
			if (lng == -1)
				u = (unsigned short)u;
			else if (lng <= -2)
				u = (unsigned char)u;
			put_num(&o, &sp, u, 0, *f == 'u' ? 10 : *f == 'o' ? 8 : 16, *f == 'X');
			break;
		case 'p':
			sp.alt = 1;
			put_num(&o, &sp, (uintptr_t)va_arg(ap, void *), 0, 16, 0);
			break;
		case 'c': {
			char c[2] = { (char)va_arg(ap, int), 0 };
			sp.prec = 1;
			if (!c[0]) { /* a NUL character still counts as written */
				pad(&o, ' ', sp.left ? 0 : sp.width - 1);
				put(&o, 0);
				pad(&o, ' ', sp.left ? sp.width - 1 : 0);
				break;
			}
			put_str(&o, &sp, c);
			break;
		}
		case 's':
			put_str(&o, &sp, va_arg(ap, const char *));
			break;
		case '%':
			put(&o, '%');
			break;
		case 0:
			f--; /* a lone '%' at the end: print nothing, stop */
			break;
		default: /* unknown conversion: print it as written */
			put(&o, '%');
			put(&o, *f);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	va_end(ap);
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
