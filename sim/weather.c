#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/weather.h"

struct sim_weather {
	size_t n;
	double *t_s;
	double *outdoor_c;
};

struct sim_weather *sim_weather_free(struct sim_weather *w)
{
	if (!w)
		return NULL;
	free(w->t_s);
	free(w->outdoor_c);
	free(w);
	return NULL;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static long days_from_civil(long y, unsigned m, unsigned d)
{
	long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned) (y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long) doe - 719468;
}

/* Parses one data line; returns seconds since 1970 (local) and the value. */
static int parse_line(const char *line, double *ret_t_s, double *ret_c)
{
	int y, mo, d, h, mi, used = 0;
	char *end;
	double v;

	if (sscanf(line, "%4d-%2d-%2dT%2d:%2d,%n", &y, &mo, &d, &h, &mi, &used) != 5 || used == 0)
		return -EINVAL;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 24 || mi < 0 || mi > 59)
		return -EINVAL;
	errno = 0;
	v = strtod(line + used, &end);
	if (errno != 0 || end == line + used || v < -90 || v > 70)
		return -EINVAL;
	while (*end == ' ' || *end == '\r' || *end == '\t')
		end++;
	if (*end != '\0')
		return -EINVAL;
	*ret_t_s = (double) days_from_civil(y, (unsigned) mo, (unsigned) d) * 86400.0 + h * 3600.0 +
		   mi * 60.0;
	*ret_c = v;
	return 0;
}

int sim_weather_parse(const char *text, size_t len, struct sim_weather **ret, unsigned *ret_line)
{
	struct sim_weather *w;
	const char *p = text, *stop = text + len;
	size_t cap = 0;
	unsigned lineno = 0;
	double day0_s = 0;
	int r = 0;

	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	while (p < stop) {
		const char *nl = memchr(p, '\n', (size_t) (stop - p));
		size_t l = nl ? (size_t) (nl - p) : (size_t) (stop - p);
		char line[128];
		double t_s, c;

		lineno++;
		if (l >= sizeof(line)) {
			r = -EINVAL;
			goto out;
		}
		memcpy(line, p, l);
		line[l] = '\0';
		p += l + (nl ? 1 : 0);
		if (lineno == 1 && strncmp(line, "timestamp", 9) == 0)
			continue;
		if (line[0] == '\0' || line[0] == '\r' || line[0] == '#')
			continue;
		r = parse_line(line, &t_s, &c);
		if (r < 0)
			goto out;
		if (w->n == 0)
			day0_s = t_s - ((long) t_s % 86400 + 86400) % 86400;
		t_s -= day0_s;
		if (w->n > 0 && t_s <= w->t_s[w->n - 1]) {
			r = -EINVAL;
			goto out;
		}
		if (w->n == cap) {
			size_t ncap = cap ? cap * 2 : 256;
			double *nt = realloc(w->t_s, ncap * sizeof(*nt)), *nc;

			if (!nt) {
				r = -ENOMEM;
				goto out;
			}
			w->t_s = nt;
			nc = realloc(w->outdoor_c, ncap * sizeof(*nc));
			if (!nc) {
				r = -ENOMEM;
				goto out;
			}
			w->outdoor_c = nc;
			cap = ncap;
		}
		w->t_s[w->n] = t_s;
		w->outdoor_c[w->n] = c;
		w->n++;
	}
	if (w->n == 0) {
		r = -ENODATA;
		goto out;
	}
	*ret = w;
	w = NULL;
out:
	if (r < 0 && ret_line)
		*ret_line = lineno;
	sim_weather_free(w);
	return r;
}

int sim_weather_load(const char *path, struct sim_weather **ret, unsigned *ret_line)
{
	FILE *f;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int r;

	f = fopen(path, "re");
	if (!f)
		return -errno;
	for (;;) {
		size_t got;

		if (cap - len < 4096) {
			char *nb = realloc(buf, cap + 65536);

			if (!nb) {
				r = -ENOMEM;
				goto out;
			}
			buf = nb;
			cap += 65536;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		r = -EIO;
		goto out;
	}
	r = sim_weather_parse(buf, len, ret, ret_line);
out:
	free(buf);
	fclose(f);
	return r;
}

double sim_weather_outdoor_c(const struct sim_weather *w, double t_s)
{
	size_t lo = 0, hi = w->n - 1;

	if (t_s <= w->t_s[0])
		return w->outdoor_c[0];
	if (t_s >= w->t_s[hi])
		return w->outdoor_c[hi];
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (w->t_s[mid] <= t_s)
			lo = mid;
		else
			hi = mid;
	}
	return w->outdoor_c[lo] + (w->outdoor_c[hi] - w->outdoor_c[lo]) * (t_s - w->t_s[lo]) /
				      (w->t_s[hi] - w->t_s[lo]);
}

double sim_weather_end_s(const struct sim_weather *w)
{
	return w->t_s[w->n - 1];
}
