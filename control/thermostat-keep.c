/*
 * What was learned, as text to keep: thermostat_model_format(), _parse() and
 * _differs() (thermostat.h). One table of the fields drives the text both
 * ways, so a field added to struct thermostat_model is added here once (and
 * the version raised).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/thermostat.h"

#define PREFIX "thermostat-model"

struct field {
	const char *name;
	size_t offset;
	unsigned n; /* values: 1, or 2 for the walls' pair */
};

#define FIELD(f, count)                                                                            \
	{                                                                                          \
		.name = #f, .offset = offsetof(struct thermostat_model, f), .n = (count)           \
	}

static const struct field fields[] = {
	FIELD(gain_k_per_h, 1), FIELD(lag_long_s, 1),     FIELD(lag_short_s, 1),
	FIELD(out_per_h, 1),    FIELD(walls_per_h, 2),    FIELD(walls_share, 2),
	FIELD(walls_tau_s, 2),  FIELD(offset_k_per_h, 1), FIELD(sure, 1),
	FIELD(margin_c, 1),
};

#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))

static double *at(struct thermostat_model *m, const struct field *f)
{
	return (double *) (void *) ((char *) m + f->offset);
}

static const double *at_const(const struct thermostat_model *m, const struct field *f)
{
	return (const double *) (const void *) ((const char *) m + f->offset);
}

int thermostat_model_format(const struct thermostat_model *m, char *buf, size_t size)
{
	size_t used;
	int n;

	n = snprintf(buf, size, PREFIX " %u", m->version);
	if (n < 0 || (size_t) n >= size)
		return -ENOSPC;
	used = (size_t) n;
	for (size_t i = 0; i < N_FIELDS; i++) {
		const double *v = at_const(m, &fields[i]);

		n = fields[i].n == 2
			? snprintf(buf + used, size - used, " %s=%.9g,%.9g", fields[i].name, v[0],
				   v[1])
			: snprintf(buf + used, size - used, " %s=%.9g", fields[i].name, v[0]);
		if (n < 0 || (size_t) n >= size - used)
			return -ENOSPC;
		used += (size_t) n;
	}
	return (int) used;
}

/* One number at @p ending at @end_chars (or the end): 0 and *ret_end past it, or -EINVAL. */
static int number(const char *p, const char *end_chars, double *ret, const char **ret_end)
{
	char *end;

	if (*p == '\0' || strchr(" \t", *p))
		return -EINVAL;
	errno = 0;
	*ret = strtod(p, &end);
	if (errno != 0 || end == p || (*end != '\0' && !strchr(end_chars, *end)))
		return -EINVAL;
	*ret_end = end;
	return 0;
}

/* "name=value[,value]" at @p, ending at a space or the end; the field it sets. */
static int one_field(const char *p, struct thermostat_model *m, unsigned *seen,
		     const char **ret_end)
{
	size_t len = strcspn(p, "=");

	for (size_t i = 0; i < N_FIELDS; i++) {
		const struct field *f = &fields[i];
		double *v = at(m, f);

		if (strlen(f->name) != len || strncmp(p, f->name, len) != 0 || p[len] != '=')
			continue;
		if (*seen & (1u << i))
			return -EINVAL;
		*seen |= 1u << i;
		p += len + 1;
		if (f->n == 2 && (number(p, ",", &v[0], &p) < 0 || *p++ != ','))
			return -EINVAL;
		return number(p, " ", &v[f->n - 1], ret_end);
	}
	return -EINVAL;
}

int thermostat_model_parse(const char *text, struct thermostat_model *ret)
{
	struct thermostat_model m = { 0 };
	const char *p = text;
	unsigned seen = 0;
	char *end;
	unsigned long version;

	if (strncmp(p, PREFIX " ", strlen(PREFIX " ")) != 0)
		return -EINVAL;
	p += strlen(PREFIX " ");
	if (*p < '0' || *p > '9')
		return -EINVAL;
	errno = 0;
	version = strtoul(p, &end, 10);
	if (errno != 0 || (*end != ' ' && *end != '\0'))
		return -EINVAL;
	if (version != THERMOSTAT_MODEL_VERSION)
		return -ESTALE;
	m.version = THERMOSTAT_MODEL_VERSION;
	p = end;
	while (*p == ' ') {
		if (one_field(p + 1, &m, &seen, &p) < 0)
			return -EINVAL;
	}
	if (*p != '\0' || seen != (1u << N_FIELDS) - 1)
		return -EINVAL;
	*ret = m;
	return 0;
}

/* @x and @y more than @abs plus @rel of the larger apart (or either not a number). */
static bool apart(double x, double y, double abs, double rel)
{
	return !(fabs(x - y) <= abs + rel * fmax(fabs(x), fabs(y)));
}

/* The air's rate towards walls and outdoor, and its steady loss rate (1/h). */
static double air_rate(const struct thermostat_model *m)
{
	return m->out_per_h + m->walls_per_h[0] + m->walls_per_h[1];
}

static double loss_rate(const struct thermostat_model *m)
{
	return m->out_per_h + m->walls_per_h[0] * (1 - m->walls_share[0]) +
	       m->walls_per_h[1] * (1 - m->walls_share[1]);
}

/*
 * What the decisions rest on, not each coefficient: the fit trades the walls'
 * two parts against each other from one refit to the next (measured: the first
 * part's coupling alone changed by 1 % at nearly every hourly look, 300 times in
 * 26 days), while their sum and the loss they make hardly move.
 */
bool thermostat_model_differs(const struct thermostat_model *a, const struct thermostat_model *b)
{
	return a->version != b->version || apart(a->gain_k_per_h, b->gain_k_per_h, 0, 0.03) ||
	       apart(a->lag_long_s + a->lag_short_s, b->lag_long_s + b->lag_short_s, 10, 0.03) ||
	       apart(air_rate(a), air_rate(b), 0.01, 0.03) ||
	       apart(loss_rate(a), loss_rate(b), 0.005, 0.03) ||
	       apart(a->walls_tau_s[0], b->walls_tau_s[0], 60, 0.03) ||
	       apart(a->walls_tau_s[1], b->walls_tau_s[1], 60, 0.03) ||
	       apart(a->offset_k_per_h, b->offset_k_per_h, 0.1, 0) ||
	       apart(a->sure, b->sure, 0.05, 0) || apart(a->margin_c, b->margin_c, 0.03, 0);
}
