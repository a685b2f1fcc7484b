#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The daemon's clocks, read in one place. Control timing uses the monotonic clock. */
uint64_t clock_monotonic_usec(void);
uint64_t clock_realtime_usec(void);

/* Where systemd-timesyncd says whether it has synchronised the clock since boot. */
#define CLOCK_TIMESYNC_DIR "/run/systemd/timesync"
/* The real-time clocks, each with hctosys 1 if it set the system clock at boot. */
#define CLOCK_RTC_DIR "/sys/class/rtc"

/*
 * Whether the wall clock, reading @now_s, is known to be set: not before
 * 2025 (WALL_CLOCK_SET_AFTER_S), and, where systemd-timesyncd runs (the
 * default on Raspberry Pi OS; it makes @timesync_dir), synchronised since boot
 * (@timesync_dir/synchronized) or set at boot by a real-time clock under
 * @rtc_dir. A Pi without a clock chip starts at 1970 or where fake-hwclock
 * last saved it, hours or days behind, until then.
 */
bool clock_wall_is_set(int64_t now_s, const char *timesync_dir, const char *rtc_dir);

/*
 * Formats @realtime_usec as ISO-8601 local time with its UTC offset
 * ("2026-01-31T03:12:05+01:00"), following TZ and DST. Returns 0, or -ENOSPC
 * when @size is too small (@buf then holds an empty string).
 */
int clock_format_local(uint64_t realtime_usec, char *buf, size_t size);

/* The local UTC offset, in seconds east, at Unix time @unix_s (follows TZ and DST). */
int clock_local_offset_s(int64_t unix_s);

/* One offset and the quarter hour [from_s, until_s) it holds for; zeroed: none. */
struct clock_offset_cache {
	int64_t from_s, until_s;
	int offset_s;
};

/*
 * clock_local_offset_s(@unix_s), reading the zone rules once a quarter hour
 * (for what runs at every reading). Offsets change only at a quarter hour of
 * UTC: every zone's offset is a multiple of 15 min and so are the local times
 * it changes at; checked at both ends of the quarter all the same. Forget it
 * (clock_offset_cache_forget()) when the time zone changes.
 */
int clock_local_offset_cached(struct clock_offset_cache *c, int64_t unix_s);

static inline void clock_offset_cache_forget(struct clock_offset_cache *c)
{
	*c = (struct clock_offset_cache){ 0 };
}

/*
 * Formats Unix time @unix_s as ISO-8601 in the zone @offset_s seconds east of
 * UTC ("2026-01-31T03:12:05+01:00"). Returns 0 or -ENOSPC.
 */
int clock_format_offset(int64_t unix_s, int offset_s, char *buf, size_t size);

/*
 * Parses ISO-8601 "YYYY-MM-DDTHH:MM[:SS[.frac]]" (or with a space for the T,
 * as RFC 3339 allows) with an optional "Z" or "+HH:MM" offset; without one it
 * is local time. Returns 0 and the Unix time in *ret_unix_s, or -EINVAL.
 */
int clock_parse_iso8601(const char *text, int64_t *ret_unix_s);

/*
 * A span of @seconds as a person reads it: "45 min", "5 h", "307 days" (down,
 * whole units; under a minute "0 min"). Returns @buf.
 */
const char *clock_format_span(int64_t seconds, char *buf, size_t size);
