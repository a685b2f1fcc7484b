#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * Bounded, strict reading of sysfs attributes. Internal to sensors/.
 *
 * A sysfs attribute is at most one page, but the values we read are much
 * smaller: each reader passes a buffer sized for the largest well-formed value,
 * and a file with more bytes than that is -EFBIG, never a longer read. Files are
 * opened O_RDONLY|O_CLOEXEC|O_NONBLOCK. Errors of open()/read() are returned as
 * -errno unchanged (-ENOENT, -ENODEV, -EIO, -EISDIR, -EACCES, ...).
 */

/* Longest decimal int64 with sign and newline, plus NUL: "-9223372036854775808\n". */
#define SYSFS_INT_MAX_LEN 22
/* Longest name attribute we accept (kernel device names are short), plus NUL. */
#define SYSFS_NAME_MAX_LEN 64

/*
 * Reads the whole file at @path into @buf (at most @size - 1 bytes) and NUL-
 * terminates it. Returns the number of bytes read (0 for an empty file), -EFBIG
 * when the file holds @size bytes or more, or -errno. @buf is untouched on
 * failure except for its contents being unspecified.
 */
int sysfs_read_file(const char *path, char *buf, size_t size);

/*
 * Parses @s (NUL-terminated) strictly as a decimal integer: optional '-', 1 to
 * 19 digits, one optional trailing '\n', nothing else. Returns 0 and *ret, or
 * -EBADMSG for anything else (empty, spaces, junk), -ERANGE on overflow.
 */
int sysfs_parse_int(const char *s, int64_t *ret);

/*
 * Parses @s strictly as a decimal fixed-point number as IIO prints them
 * ("-0.500000", "1000", "0.001000000"): optional '-', digits, optionally '.'
 * and digits, one optional trailing '\n'. Returns 0 and *ret, or -EBADMSG.
 */
int sysfs_parse_decimal(const char *s, double *ret);

/* Reads @path and parses it with sysfs_parse_int(). Empty file: -ENODATA. */
int sysfs_read_int(const char *path, int64_t *ret);

/* Reads @path and parses it with sysfs_parse_decimal(). Empty file: -ENODATA. */
int sysfs_read_decimal(const char *path, double *ret);

/*
 * Reads a one-line text attribute (a device name, a label) into @buf of @size
 * bytes without its trailing newline. Returns its length, -ENODATA if empty,
 * -EBADMSG if it holds control characters or more than one line, -EFBIG, -errno.
 */
int sysfs_read_line(const char *path, char *buf, size_t size);

/*
 * Formats a path into @buf of @size bytes (use PATH_MAX). Returns 0, or
 * -ENAMETOOLONG when it does not fit.
 */
int sysfs_path(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
