/*
 * What was learned, as text to keep: thermostat_model_format(), _parse() and
 * _differs() (thermostat.h). One table of the fields drives all three, so a
 * field added to struct thermostat_model is added here once (and the version
 * raised).
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
	double abs; /* differs: by more than this ... */
	double rel; /* ... plus this share of the value */
};

#define FIELD(f, count, a, r)                                                                      \
	{                                                                                          \
		.name = #f, .offset = offsetof(struct thermostat_model, f), .n = count, .abs = a,  \
		.rel = r                                                                           \
	}

/* A parameter differs by 1 % (beyond a tiny amount near 0); how sure, and the margin, plainly. */
static const struct field fields[] = {
	FIELD(gain_k_per_h, 1, 0, 0.01),   FIELD(lag_long_s, 1, 1, 0.01),
	FIELD(lag_short_s, 1, 1, 0.01),    FIELD(out_per_h, 1, 0.001, 0.01),
	FIELD(walls_per_h, 2, 0.01, 0.01), FIELD(walls_share, 2, 0.01, 0.01),
	FIELD(walls_tau_s, 2, 60, 0.01),   FIELD(offset_k_per_h, 1, 0.01, 0.01),
	FIELD(sure, 1, 0.02, 0),           FIELD(margin_c, 1, 0.01, 0),
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

bool thermostat_model_differs(const struct thermostat_model *a, const struct thermostat_model *b)
{
	if (a->version != b->version)
		return true;
	for (size_t i = 0; i < N_FIELDS; i++) {
		const struct field *f = &fields[i];
		const double *x = at_const(a, f), *y = at_const(b, f);

		for (unsigned k = 0; k < f->n; k++)
			if (!(fabs(x[k] - y[k]) <= f->abs + f->rel * fmax(fabs(x[k]), fabs(y[k]))))
				return true;
	}
	return false;
}
