#include "sensors/sysfs-read.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int sysfs_read_file(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	int fd, r = 0;

	if (size < 2 || size > INT32_MAX)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	/* One byte more than fits tells us the file is too big. */
	for (;;) {
		ssize_t n;

		n = read(fd, buf + len, size - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t) n;
		if (len >= size) {
			r = -EFBIG;
			goto out;
		}
	}
	buf[len] = '\0';
	r = (int) len;
out:
	close(fd);
	return r;
}

static const char *skip_digits(const char *p)
{
	while (*p >= '0' && *p <= '9')
		p++;
	return p;
}

/* True if @s, from @end on, holds nothing or exactly one '\n'. */
static bool only_newline_left(const char *end)
{
	return end[0] == '\0' || (end[0] == '\n' && end[1] == '\0');
}

int sysfs_parse_int(const char *s, int64_t *ret)
{
	const char *p = s, *end;
	bool neg = false;
	uint64_t v = 0;

	assert(ret);
	if (*p == '-') {
		neg = true;
		p++;
	}
	end = skip_digits(p);
	if (end == p || end - p > 19 || !only_newline_left(end))
		return -EBADMSG;
	for (; p < end; p++)
		v = v * 10 + (uint64_t) (*p - '0');
	if (v > (uint64_t) INT64_MAX + (neg ? 1 : 0))
		return -ERANGE;
	*ret = neg ? (int64_t) (0 - v) : (int64_t) v;
	return 0;
}

int sysfs_parse_decimal(const char *s, double *ret)
{
	const char *p = s, *end;
	char *stop;
	double v;

	assert(ret);
	if (*p == '-')
		p++;
	end = skip_digits(p);
	if (end == p)
		return -EBADMSG;
	if (*end == '.') {
		const char *frac = end + 1;

		end = skip_digits(frac);
		if (end == frac)
			return -EBADMSG;
	}
	if (!only_newline_left(end))
		return -EBADMSG;
	/* Only [-]digits[.digits] reached here: strtod cannot see hex, inf or nan. */
	errno = 0;
	v = strtod(s, &stop);
	if (errno != 0 || stop != end)
		return -EBADMSG;
	*ret = v;
	return 0;
}

int sysfs_read_int(const char *path, int64_t *ret)
{
	char buf[SYSFS_INT_MAX_LEN];
	int r;

	assert(ret);
	r = sysfs_read_file(path, buf, sizeof(buf));
	if (r < 0)
		return r;
	if (r == 0)
		return -ENODATA;
	return sysfs_parse_int(buf, ret);
}

int sysfs_read_decimal(const char *path, double *ret)
{
	assert(ret);
	/* IIO prints at most "-2147483648.123456789\n". */
	char buf[SYSFS_INT_MAX_LEN + 12];
	int r;

	r = sysfs_read_file(path, buf, sizeof(buf));
	if (r < 0)
		return r;
	if (r == 0)
		return -ENODATA;
	return sysfs_parse_decimal(buf, ret);
}

int sysfs_read_line(const char *path, char *buf, size_t size)
{
	int r, len;

	r = sysfs_read_file(path, buf, size);
	if (r < 0)
		return r;
	len = r;
	if (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (len == 0)
		return -ENODATA;
	for (int i = 0; i < len; i++)
		if ((unsigned char) buf[i] < 0x20 || buf[i] == 0x7f)
			return -EBADMSG;
	return len;
}

int sysfs_path(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if ((size_t) n >= size)
		return -ENAMETOOLONG;
	return 0;
}
