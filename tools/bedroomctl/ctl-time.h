#pragma once

#include <stdint.h>

/*
 * Times the person types, in local time (TZ): "2026-01-31T03:10[:SS]" (or
 * with a space; an explicit "Z" or "+01:00" is honoured), "03:10" (the most
 * recent past 03:10: last night's when typed at breakfast) and "-20min"
 * ("-45s", "-20m", "-20min", "-2h", "-2d"; a day is 24 hours). A local time the clocks
 * show twice (the hour they go back) is the latest of the two not after @now_s. Returns 0
 * and the Unix time in *ret_s, -ENOENT when it names a local time the clocks skipped
 * (summer time beginning: 02:30 on 2026-03-29 in Europe/Berlin), or -EINVAL when the text
 * is none of these or names no real date.
 */
int ctl_time_parse(const char *text, int64_t now_s, int64_t *ret_s);

/* The local UTC offset at @time_s, in seconds east. */
int ctl_time_local_offset(int64_t time_s);

/* "YYYY-MM-DD" -> its night number (control/cramp-night.h); 0 or -EINVAL. */
int ctl_time_parse_date(const char *text, int64_t *ret_night);
