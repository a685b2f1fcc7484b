/* Parsing the times a person types: ISO-8601, a clock time, or a while ago. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "control/cramp-night.h"
#include "tools/bedroomctl/ctl-time.h"

int ctl_time_local_offset(int64_t time_s)
{
	time_t t = (time_t) time_s;
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return 0;
	return (int) tm.tm_gmtoff;
}

/* Reads exactly @n digits at *p; returns the value or -1. */
static int digits(const char **p, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return v;
}

static bool valid_date(int y, int m, int d)
{
	int y2, m2, d2;

	if (m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	cramp_night_date(cramp_night_from_date(y, m, d), &y2, &m2, &d2);
	return y2 == y && m2 == m && d2 == d;
}

/*
 * Local wall-clock time to Unix time, with @isdst as mktime() takes it: 0 or
 * -ENOENT when that reading of it does not exist (its fields came back
 * normalised: a time the clocks skipped, or the other half of the year).
 */
static int local_to_unix_as(int y, int mo, int d, int h, int mi, int s, int isdst, int64_t *ret)
{
	struct tm tm = {
		.tm_year = y - 1900,
		.tm_mon = mo - 1,
		.tm_mday = d,
		.tm_hour = h,
		.tm_min = mi,
		.tm_sec = s,
		.tm_isdst = isdst,
	};
	time_t t = mktime(&tm);

	if (t == (time_t) -1 || tm.tm_mday != d || tm.tm_hour != h || tm.tm_min != mi)
		return -ENOENT;
	*ret = (int64_t) t;
	return 0;
}

/*
 * Local wall-clock time to Unix time. The hour the clocks go back is read
 * twice (02:20 summer time, then 02:20 winter time): both readings are tried,
 * and the latest not after @now_s is taken, else the earliest. Returns 0,
 * -ENOENT for a time the clocks skipped (summer time beginning).
 */
static int local_to_unix(int y, int mo, int d, int h, int mi, int s, int64_t now_s, int64_t *ret)
{
	int64_t best = 0, t;
	bool found = false;

	for (int isdst = 0; isdst <= 1; isdst++) {
		if (local_to_unix_as(y, mo, d, h, mi, s, isdst, &t) < 0)
			continue;
		if (!found || (t <= now_s && (best > now_s || t > best)) ||
		    (t > now_s && best > now_s && t < best))
			best = t;
		found = true;
	}
	if (!found)
		return -ENOENT;
	*ret = best;
	return 0;
}

static int parse_clock(const char **p, int *h, int *mi, int *s)
{
	*s = 0;
	*h = digits(p, 2);
	if (*h < 0 || **p != ':')
		return -EINVAL;
	(*p)++;
	*mi = digits(p, 2);
	if (*mi < 0)
		return -EINVAL;
	if (**p == ':') {
		(*p)++;
		*s = digits(p, 2);
		if (*s < 0)
			return -EINVAL;
	}
	return *h <= 23 && *mi <= 59 && *s <= 59 ? 0 : -EINVAL;
}

static int parse_ago(const char *text, int64_t now_s, int64_t *ret_s)
{
	static const struct {
		const char *suffix;
		int64_t unit_s;
	} units[] = {
		{ "s", 1 },       { "sec", 1 },      { "m", 60 },       { "min", 60 },
		{ "h", 3600 },    { "hour", 3600 },  { "hours", 3600 }, { "d", 86400 },
		{ "day", 86400 }, { "days", 86400 },
	};
	const char *p = text + 1;
	int64_t n = 0;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (*p - '0');
		if (n > 1000000)
			return -EINVAL;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(p, units[i].suffix) == 0) {
			*ret_s = now_s - n * units[i].unit_s;
			return 0;
		}
	return -EINVAL;
}

int ctl_time_parse(const char *text, int64_t now_s, int64_t *ret_s)
{
	const char *p = text;
	int y, mo, d, h, mi, s, r;
	int64_t t;

	if (text[0] == '-')
		return parse_ago(text, now_s, ret_s);

	if (strlen(text) <= 8) {
		/*
		 * A clock time: today's, or yesterday's when today's is still to
		 * come. One the clocks skipped today is still to come only while
		 * the clock reads earlier than it.
		 */
		time_t now = (time_t) now_s;
		struct tm tm;

		if (parse_clock(&p, &h, &mi, &s) < 0 || *p || !localtime_r(&now, &tm))
			return -EINVAL;
		r = local_to_unix(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, h, mi, s, now_s,
				  &t);
		if ((r == 0 && t > now_s) ||
		    (r == -ENOENT &&
		     (tm.tm_hour * 60 + tm.tm_min) * 60 + tm.tm_sec < (h * 60 + mi) * 60 + s)) {
			int64_t night =
			    cramp_night_from_date(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) - 1;

			cramp_night_date(night, &y, &mo, &d);
			r = local_to_unix(y, mo, d, h, mi, s, now_s, &t);
		}
		if (r < 0)
			return r;
		*ret_s = t;
		return 0;
	}

	y = digits(&p, 4);
	if (y < 0 || *p++ != '-')
		return -EINVAL;
	mo = digits(&p, 2);
	if (mo < 0 || *p++ != '-')
		return -EINVAL;
	d = digits(&p, 2);
	if (d < 0 || (*p != 'T' && *p != ' ') || !valid_date(y, mo, d))
		return -EINVAL;
	p++;
	if (parse_clock(&p, &h, &mi, &s) < 0)
		return -EINVAL;
	if (*p == '\0')
		return local_to_unix(y, mo, d, h, mi, s, now_s, ret_s);

	t = (cramp_night_from_date(y, mo, d) * 24 + h) * 3600 + mi * 60 + s;
	if (strcmp(p, "Z") != 0) {
		int sign = *p == '+' ? 1 : *p == '-' ? -1 : 0;
		int oh, om;

		p++;
		oh = digits(&p, 2);
		if (!sign || oh < 0 || oh > 18 || *p++ != ':')
			return -EINVAL;
		om = digits(&p, 2);
		if (om < 0 || om > 59 || *p)
			return -EINVAL;
		t -= sign * (oh * 3600 + om * 60);
	}
	*ret_s = t;
	return 0;
}

int ctl_time_parse_date(const char *text, int64_t *ret_night)
{
	const char *p = text;
	int y, m, d;

	y = digits(&p, 4);
	if (y < 0 || *p++ != '-')
		return -EINVAL;
	m = digits(&p, 2);
	if (m < 0 || *p++ != '-')
		return -EINVAL;
	d = digits(&p, 2);
	if (d < 0 || *p || !valid_date(y, m, d))
		return -EINVAL;
	*ret_night = cramp_night_from_date(y, m, d);
	return 0;
}
