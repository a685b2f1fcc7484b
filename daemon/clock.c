#include "daemon/clock.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>

static uint64_t read_clock(clockid_t id)
{
	struct timespec ts;

	(void) clock_gettime(id, &ts);
	return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000ULL;
}

uint64_t clock_monotonic_usec(void)
{
	return read_clock(CLOCK_MONOTONIC);
}

uint64_t clock_realtime_usec(void)
{
	return read_clock(CLOCK_REALTIME);
}

int clock_format_local(uint64_t realtime_usec, char *buf, size_t size)
{
	time_t t = (time_t) (realtime_usec / 1000000ULL);
	char zone[8];
	struct tm tm;
	size_t n;

	if (size > 0)
		buf[0] = '\0';
	if (!localtime_r(&t, &tm))
		return -EINVAL;
	/* strftime's %z gives +0100; ISO-8601 extended form wants +01:00. */
	if (strftime(zone, sizeof(zone), "%z", &tm) != 5)
		return -EINVAL;
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	if (n == 0 ||
	    (size_t) snprintf(buf + n, size - n, "%.3s:%.2s", zone, zone + 3) >= size - n) {
		if (size > 0)
			buf[0] = '\0';
		return -ENOSPC;
	}
	return 0;
}
