#pragma once

#include <stdarg.h>
#include <stddef.h>

#include "control/log-limit.h"

/*
 * Log lines go to stderr with the <N> priority prefixes of sd-daemon.h, so
 * journald files them at the right level and a terminal shows them plainly.
 * Only daemon/ logs.
 */

enum log_level {
	LOG_LEVEL_ERROR = 3,
	LOG_LEVEL_WARNING = 4,
	LOG_LEVEL_INFO = 6,
	LOG_LEVEL_DEBUG = 7,
};

void log_set_max_level(enum log_level level);
enum log_level log_get_max_level(void);

/* Writes one line at @level when the level is enabled. Returns 0. */
int log_write(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Logs with ": <strerror(-error)>" appended and returns @error (a negative errno). */
int log_write_errno(enum log_level level, int error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * @text as it goes to the journal, into @out (@size >= 5 bytes; cut short if
 * it does not fit): control characters and bytes that are not UTF-8 as \xNN,
 * so that text quoted from the network cannot start a line of its own (a
 * "<0>" line is an emergency to journald) or garble the terminal.
 */
void log_escape(const char *text, char *out, size_t size);

/*
 * The first bytes of @payload (@len of them; not NUL-terminated) as text for
 * a log line, "..." where it is cut, in @buf (@size >= 8). Returns @buf. What
 * it holds is escaped when the line is written (log_escape()).
 */
const char *log_excerpt(const void *payload, size_t len, char *buf, size_t size);

/* Writes each line of @text (may be NULL) as its own log line at @level. */
void log_lines(enum log_level level, const char *text);

#define log_error(...)   log_write(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warning(...) log_write(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_info(...)    log_write(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...)   log_write(LOG_LEVEL_DEBUG, __VA_ARGS__)

#define log_error_errno(error, ...)   log_write_errno(LOG_LEVEL_ERROR, error, __VA_ARGS__)
#define log_warning_errno(error, ...) log_write_errno(LOG_LEVEL_WARNING, error, __VA_ARGS__)

/* Warnings about input from outside: at most this many a minute in full, per topic. */
#define LOG_WARNING_LIMIT_INIT LOG_LIMIT_INIT(60ULL * 1000 * 1000, 5)

/*
 * A line about input from outside on @what (a topic such as "set/floor" for
 * warnings; what the lines tell, "floor changes", at other levels), through
 * @limit: logged in full, or only counted while a flood lasts; the count of a
 * window that is over is logged first as one line, "N more warnings about X
 * within a minute, not logged one by one". Parts use it through
 * daemon/warn-limit.h, whose timer logs that line when the minute is over.
 */
void log_limitedv(enum log_level level, struct log_limit *limit, const char *what, const char *fmt,
		  va_list ap) __attribute__((format(printf, 4, 0)));

/* The summary line for @n lines at @level held back on @what; nothing when @n is 0. */
void log_limit_summary(enum log_level level, unsigned n, const char *what);
