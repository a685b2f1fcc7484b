#include "daemon/clock.h"

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "control/clock-set.h"

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

/* Whether a real-time clock under @rtc_dir (/sys/class/rtc) set the system clock at boot. */
static bool set_from_rtc(const char *rtc_dir)
{
	char path[256], flag = '0';

	for (int i = 0; rtc_dir && i < 4; i++) {
		FILE *f;

		if ((size_t) snprintf(path, sizeof(path), "%s/rtc%d/hctosys", rtc_dir, i) >=
		    sizeof(path))
			return false;
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fread(&flag, 1, 1, f) != 1)
			flag = '0';
		fclose(f);
		if (flag == '1')
			return true;
	}
	return false;
}

bool clock_wall_is_set(int64_t now_s, const char *timesync_dir, const char *rtc_dir)
{
	char path[256];

	if (now_s < WALL_CLOCK_SET_AFTER_S)
		return false;
	/* No systemd-timesyncd running (chrony, ntpd, a clock chip): 2025 or later is all we know.
	 */
	if (!timesync_dir || access(timesync_dir, F_OK) < 0)
		return true;
	if ((size_t) snprintf(path, sizeof(path), "%s/synchronized", timesync_dir) >= sizeof(path))
		return true;
	/* A clock chip (a Pi 5's with its battery) set it at boot: right without NTP too. */
	return access(path, F_OK) == 0 || set_from_rtc(rtc_dir);
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

int clock_local_offset_s(int64_t unix_s)
{
	time_t t = (time_t) unix_s;
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return 0;
	return (int) tm.tm_gmtoff;
}

int clock_local_offset_cached(struct clock_offset_cache *c, int64_t unix_s)
{
	int64_t from = unix_s - ((unix_s % 900) + 900) % 900;
	int first, last;

	if (unix_s >= c->from_s && unix_s < c->until_s)
		return c->offset_s;
	first = clock_local_offset_s(from);
	last = clock_local_offset_s(from + 899);
	if (first != last) {
		clock_offset_cache_forget(c);
		return clock_local_offset_s(unix_s);
	}
	*c =
	    (struct clock_offset_cache){ .from_s = from, .until_s = from + 900, .offset_s = first };
	return first;
}

int clock_format_offset(int64_t unix_s, int offset_s, char *buf, size_t size)
{
	time_t t = (time_t) (unix_s + offset_s);
	int off = offset_s < 0 ? -offset_s : offset_s;
	struct tm tm;
	size_t n;

	if (size > 0)
		buf[0] = '\0';
	if (!gmtime_r(&t, &tm))
		return -EINVAL;
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	if (n == 0 || (size_t) snprintf(buf + n, size - n, "%c%02d:%02d", offset_s < 0 ? '-' : '+',
					off / 3600, off / 60 % 60) >= size - n) {
		if (size > 0)
			buf[0] = '\0';
		return -ENOSPC;
	}
	return 0;
}

/* Whether @text starts with @pattern, in which '9' stands for one ASCII digit. */
static bool has_shape(const char *text, const char *pattern)
{
	for (; *pattern; pattern++, text++)
		if (*pattern == '9' ? *text < '0' || *text > '9' : *text != *pattern)
			return false;
	return true;
}

/* The @n digits at @p (has_shape() checked them). */
static int digits_at(const char *p, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	return v;
}

/*
 * Whether mktime()/timegm() left @tm as it was asked: they move a day that
 * the month does not have (February 31 to March 3, February 29 of 2026 to
 * March 1). A date that does not exist is a mistake: refused. A local time
 * in the spring DST gap (02:30 on the night the clocks go forward) is moved
 * an hour on (03:30) and taken when @gap_ok: a person's "half past two" that
 * night is a time, and a cramp is not lost for it.
 */
static bool tm_kept(const struct tm *tm, int y, int mo, int d, int h, int mi, int s, bool gap_ok)
{
	return tm->tm_year == y - 1900 && tm->tm_mon == mo - 1 && tm->tm_mday == d &&
	       (tm->tm_hour == h || (gap_ok && tm->tm_hour == h + 1)) && tm->tm_min == mi &&
	       tm->tm_sec == s;
}

int clock_parse_iso8601(const char *text, int64_t *ret_unix_s)
{
	int y, mo, d, h, mi, s = 0, oh = 0, om = 0;
	struct tm tm = { 0 };
	const char *rest;
	time_t t;

	assert(ret_unix_s);
	/*
	 * Digits exactly where they belong: sscanf()'s %d would take signs and
	 * blanks. RFC 3339's space for the T too: Home Assistant's {{ now() }},
	 * Python's str(datetime) and SQLite write it so.
	 */
	if (!has_shape(text, "9999-99-99T99:99") && !has_shape(text, "9999-99-99 99:99"))
		return -EINVAL;
	y = digits_at(text, 4);
	mo = digits_at(text + 5, 2);
	d = digits_at(text + 8, 2);
	h = digits_at(text + 11, 2);
	mi = digits_at(text + 14, 2);
	rest = text + 16;
	if (*rest == ':') {
		if (!has_shape(rest, ":99"))
			return -EINVAL;
		s = digits_at(rest + 1, 2);
		rest += 3;
		/* A fraction (Home Assistant's now().isoformat() has microseconds): dropped. */
		if (*rest == '.' && rest[1] >= '0' && rest[1] <= '9')
			for (rest++; *rest >= '0' && *rest <= '9'; rest++)
				;
	}
	/*
	 * A leap second (":60") is refused too: time_t has none, a client's clock
	 * (Home Assistant's Python datetime) cannot write one, and taken as the
	 * next second it would let "03:05:60" on any day through.
	 */
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59 || y < 1970)
		return -EINVAL;
	tm = (struct tm){ .tm_year = y - 1900,
			  .tm_mon = mo - 1,
			  .tm_mday = d,
			  .tm_hour = h,
			  .tm_min = mi,
			  .tm_sec = s,
			  .tm_isdst = -1 };
	if (*rest == '\0') {
		/*
		 * Local time: TZ and DST decide the offset. In the autumn's repeated
		 * hour mktime() picks one of the two (either is a real time); in the
		 * spring gap it moves the time an hour on (see tm_kept()).
		 */
		t = mktime(&tm);
		if (t == (time_t) -1 || !tm_kept(&tm, y, mo, d, h, mi, s, true))
			return -EINVAL;
		*ret_unix_s = (int64_t) t;
		return 0;
	}
	if (strcmp(rest, "Z") != 0) {
		/* ISO 8601's "+01:00", and its "+0100" (date +%FT%T%z writes it) and "+01". */
		size_t n = strlen(rest);

		if ((rest[0] != '+' && rest[0] != '-') ||
		    !((n == 6 && has_shape(rest + 1, "99:99")) ||
		      (n == 5 && has_shape(rest + 1, "9999")) ||
		      (n == 3 && has_shape(rest + 1, "99"))))
			return -EINVAL;
		oh = digits_at(rest + 1, 2);
		om = n == 3 ? 0 : digits_at(rest + (n == 6 ? 4 : 3), 2);
		if (oh > 14 || om > 59)
			return -EINVAL;
	}
	t = timegm(&tm);
	if (t == (time_t) -1 || !tm_kept(&tm, y, mo, d, h, mi, s, false))
		return -EINVAL;
	*ret_unix_s = (int64_t) t - (rest[0] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
	return 0;
}

const char *clock_format_span(int64_t seconds, char *buf, size_t size)
{
	int64_t min = seconds > 0 ? seconds / 60 : 0;

	if (min < 120)
		snprintf(buf, size, "%lld min", (long long) min);
	else if (min < 48 * 60)
		snprintf(buf, size, "%lld h", (long long) (min / 60));
	else
		snprintf(buf, size, "%lld days", (long long) (min / (24 * 60)));
	return buf;
}
