#pragma once

#include <stddef.h>
#include <stdint.h>

/* The daemon's clocks, read in one place. Control timing uses the monotonic clock. */
uint64_t clock_monotonic_usec(void);
uint64_t clock_realtime_usec(void);

/*
 * Formats @realtime_usec as ISO-8601 local time with its UTC offset
 * ("2026-01-31T03:12:05+01:00"), following TZ and DST. Returns 0, or -ENOSPC
 * when @size is too small (@buf then holds an empty string).
 */
int clock_format_local(uint64_t realtime_usec, char *buf, size_t size);
