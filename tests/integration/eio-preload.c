/*
 * For integration-store-io-error only, never linked into what ships: an
 * LD_PRELOAD library under which reading the store's files (bedroomd.db and its
 * WAL) fails with EIO while the file named by BEDROOMD_TEST_EIO_WHILE exists,
 * as a wearing SD card's reads do. Writes and every other file are untouched.
 */
/* pread() and pread64() as the C library has them, each interposed by its own name. */
#undef _FILE_OFFSET_BITS
#undef _TIME_BITS
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

typedef ssize_t pread_fn(int fd, void *buf, size_t count, off_t offset);
typedef ssize_t pread64_fn(int fd, void *buf, size_t count, off64_t offset);
typedef ssize_t read_fn(int fd, void *buf, size_t count);

static bool failing(int fd)
{
	const char *marker = getenv("BEDROOMD_TEST_EIO_WHILE");
	char link[64], path[4096];
	ssize_t n;

	if (!marker || access(marker, F_OK) != 0)
		return false;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		return false;
	path[n] = '\0';
	return strstr(path, "/bedroomd.db") && !strstr(path, "-shm");
}

ssize_t pread(int fd, void *buf, size_t count, off_t offset)
{
	static pread_fn *real;

	if (!real)
		real = (pread_fn *) dlsym(RTLD_NEXT, "pread");
	if (failing(fd)) {
		errno = EIO;
		return -1;
	}
	return real(fd, buf, count, offset);
}

ssize_t pread64(int fd, void *buf, size_t count, off64_t offset)
{
	static pread64_fn *real;

	if (!real)
		real = (pread64_fn *) dlsym(RTLD_NEXT, "pread64");
	if (failing(fd)) {
		errno = EIO;
		return -1;
	}
	return real(fd, buf, count, offset);
}

/* SQLite built without pread seeks and reads. */
ssize_t read(int fd, void *buf, size_t count)
{
	static read_fn *real;

	if (!real)
		real = (read_fn *) dlsym(RTLD_NEXT, "read");
	if (failing(fd)) {
		errno = EIO;
		return -1;
	}
	return real(fd, buf, count);
}
