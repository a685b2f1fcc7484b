#include "daemon/log.h"

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config-escape.h"
#include "daemon/clock.h"

/* The one piece of process-wide state below main(): the log threshold, as in systemd. */
static enum log_level max_level = LOG_LEVEL_INFO;
static int to_journal = -1; /* unknown until the first line */

/* journald sets JOURNAL_STREAM to the device and inode of the stream it reads. */
static bool stderr_is_journal(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char *end;

	if (!env)
		return false;
	errno = 0;
	dev = strtoull(env, &end, 10);
	if (errno || end == env || *end != ':')
		return false;
	ino = strtoull(end + 1, &end, 10);
	if (errno || *end != '\0' || fstat(STDERR_FILENO, &st) < 0)
		return false;
	return st.st_dev == dev && st.st_ino == ino;
}

void log_set_max_level(enum log_level level)
{
	max_level = level;
}

enum log_level log_get_max_level(void)
{
	return max_level;
}

void log_escape(const char *text, char *out, size_t size)
{
	size_t len = strlen(text), n = 0;

	assert(size >= 5);
	for (size_t i = 0; i < len;) {
		uint32_t cp = 0;
		int k = config_utf8_next(text + i, len - i, &cp);

		if (k > 0 && !config_is_control(cp)) {
			if (n + (size_t) k >= size)
				break;
			memcpy(out + n, text + i, (size_t) k);
			n += (size_t) k;
			i += (size_t) k;
		} else {
			if (n + 4 >= size)
				break;
			n += (size_t) snprintf(out + n, size - n, "\\x%02x",
					       (unsigned char) text[i]);
			i++;
		}
	}
	out[n] = '\0';
}

const char *log_excerpt(const void *payload, size_t len, char *buf, size_t size)
{
	const char *p = payload;
	size_t n = 0;

	assert(size >= 8);
	/* up to a NUL in it, or what fits: what follows is said as cut */
	while (n < len && n < size - 4 && p[n] != '\0') {
		buf[n] = p[n];
		n++;
	}
	snprintf(buf + n, size - n, "%s", n < len ? "..." : "");
	return buf;
}

static void write_line(enum log_level level, const char *suffix, const char *fmt, va_list ap)
{
	char msg[1024], line[4 * sizeof(msg)];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* What the network said is quoted in warnings: it must not start lines of its own. */
	log_escape(msg, line, sizeof(line));
	if (to_journal < 0)
		to_journal = stderr_is_journal();
	/* One fprintf per line, so lines from other writers never interleave with it. */
	if (to_journal)
		fprintf(stderr, "<%d>%s%s\n", (int) level, line, suffix);
	else
		fprintf(stderr, "bedroomd: %s%s%s\n",
			level == LOG_LEVEL_ERROR     ? "error: "
			: level == LOG_LEVEL_WARNING ? "warning: "
						     : "",
			line, suffix);
}

int log_write(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > max_level)
		return 0;
	va_start(ap, fmt);
	write_line(level, "", fmt, ap);
	va_end(ap);
	return 0;
}

int log_write_errno(enum log_level level, int error, const char *fmt, ...)
{
	char suffix[160];
	va_list ap;

	if (level > max_level)
		return error;
	snprintf(suffix, sizeof(suffix), ": %s", strerror(error < 0 ? -error : error));
	va_start(ap, fmt);
	write_line(level, suffix, fmt, ap);
	va_end(ap);
	return error;
}

void log_lines(enum log_level level, const char *text)
{
	for (const char *line = text; line && *line;) {
		size_t len = strcspn(line, "\n");

		log_write(level, "%.*s", (int) len, line);
		line += len + (line[len] == '\n');
	}
}

/* A warning is "about" its topic; a line at another level is named by @what ("floor changes"). */
void log_limit_summary(enum log_level level, unsigned n, const char *what)
{
	if (n == 0)
		return;
	if (level == LOG_LEVEL_WARNING)
		log_warning("%u more warning%s about %s within a minute, not logged one by one", n,
			    n == 1 ? "" : "s", what);
	else
		log_write(level, "%u more %s within a minute, not logged one by one", n, what);
}

void log_limitedv(enum log_level level, struct log_limit *limit, const char *what, const char *fmt,
		  va_list ap)
{
	unsigned summary;
	bool full;

	full = log_limit_check(limit, clock_monotonic_usec(), &summary);
	log_limit_summary(level, summary, what);
	if (full && level <= max_level)
		write_line(level, "", fmt, ap);
	/* Said when it starts, not only in the summary a minute later. */
	if (full || limit->n_quiet != 1)
		return;
	if (level == LOG_LEVEL_WARNING)
		log_warning("warnings about %s keep coming: the rest of this minute's are "
			    "counted, not logged one by one",
			    what);
	else
		log_write(level,
			  "%s keep coming: the rest of this minute's are counted, not logged one "
			  "by one",
			  what);
}
