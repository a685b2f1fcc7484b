/*
 * bedroomd-thermostat-cil: the daemon's thermostat in a pipe, for external
 * building simulators (controller in the loop).
 *
 *   bedroomd-thermostat-cil [--config FILE]
 *
 * Reads lines "<unix_time_s> <measured_temp_c>" on stdin and answers "on" or
 * "off" for each, flushed at once. Local time for the night window comes from
 * TZ through localtime_r. The config is the [heating] section of bedroomd.conf:
 *
 *   [heating]
 *   floor = 18.0          ; night floor, °C
 *   day_floor = off       ; °C, or off
 *   night = 22:00-07:00
 *   mode = heat           ; heat or off
 *   min_on = 120s         ; durations: plain seconds, or with s, min or h
 *   min_off = 180s
 *   max_on = 6h
 *   overheat = 26.0       ; cut-off, °C
 *   stale = 300s          ; a reading older than this is stale
 *   preheat_max = 4h
 *
 * A line that cannot be understood is reported on stderr with its number. If it
 * still carries a usable time, the thermostat is stepped without a new reading
 * (it keeps the last one until that goes stale, then switches off and raises
 * sensor_stale, exactly as the daemon does); if not, the answer is "off". It
 * never keeps a heater on on the strength of bad input.
 */
#include <errno.h>
#include <getopt.h>
#include <ini.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "control/thermostat.h"

#define EX_USAGE  64
#define EX_CONFIG 78

struct cil_config {
	struct thermostat_params params;
	struct thermostat_input input;
	char error[160];
};

static int parse_double(const char *v, double lo, double hi, double *ret)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (errno != 0 || end == v || *end != '\0' || !(d >= lo && d <= hi))
		return -EINVAL;
	*ret = d;
	return 0;
}

/* "90", "90s", "5min", "6h" */
static int parse_duration(const char *v, uint64_t *ret_usec)
{
	char *end;
	double d, unit = 1;

	errno = 0;
	d = strtod(v, &end);
	if (errno != 0 || end == v || !(d >= 0))
		return -EINVAL;
	if (strcmp(end, "min") == 0)
		unit = 60;
	else if (strcmp(end, "h") == 0)
		unit = 3600;
	else if (strcmp(end, "s") != 0 && *end != '\0')
		return -EINVAL;
	d *= unit;
	if (d > 7 * 86400.0)
		return -ERANGE;
	*ret_usec = (uint64_t) (d * 1e6);
	return 0;
}

static int parse_hhmm(const char *v, unsigned *ret_min)
{
	unsigned h, m;
	int used = 0;

	if (sscanf(v, "%2u:%2u%n", &h, &m, &used) != 2 || h > 23 || m > 59)
		return -EINVAL;
	*ret_min = h * 60 + m;
	return used;
}

static int parse_window(const char *v, unsigned *ret_start, unsigned *ret_end)
{
	int n = parse_hhmm(v, ret_start);

	if (n < 0 || v[n] != '-')
		return -EINVAL;
	v += n + 1;
	n = parse_hhmm(v, ret_end);
	if (n < 0 || v[n] != '\0' || *ret_start == *ret_end)
		return -EINVAL;
	return 0;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct cil_config *c = user;
	struct thermostat_params *p = &c->params;
	struct thermostat_input *in = &c->input;
	int r = 0;

	if (strcmp(section, "heating") != 0)
		return 1; /* other sections belong to the daemon */
	if (strcmp(name, "floor") == 0) {
		r = parse_double(value, 5.0, 30.0, &in->floor_c);
	} else if (strcmp(name, "day_floor") == 0) {
		in->day_floor_enabled = strcmp(value, "off") != 0;
		if (in->day_floor_enabled)
			r = parse_double(value, 5.0, 30.0, &in->day_floor_c);
	} else if (strcmp(name, "night") == 0) {
		r = parse_window(value, &in->night_start_min, &in->night_end_min);
	} else if (strcmp(name, "mode") == 0) {
		if (strcmp(value, "heat") == 0)
			in->mode = THERMOSTAT_MODE_HEAT;
		else if (strcmp(value, "off") == 0)
			in->mode = THERMOSTAT_MODE_OFF;
		else
			r = -EINVAL;
	} else if (strcmp(name, "min_on") == 0) {
		r = parse_duration(value, &p->min_on_usec);
	} else if (strcmp(name, "min_off") == 0) {
		r = parse_duration(value, &p->min_off_usec);
	} else if (strcmp(name, "max_on") == 0) {
		r = parse_duration(value, &p->max_on_usec);
		if (r >= 0 && p->max_on_usec == 0)
			r = -EINVAL;
	} else if (strcmp(name, "overheat") == 0) {
		r = parse_double(value, 15.0, 40.0, &p->overheat_c);
	} else if (strcmp(name, "stale") == 0) {
		r = parse_duration(value, &p->stale_usec);
		if (r >= 0 && p->stale_usec == 0)
			r = -EINVAL;
	} else if (strcmp(name, "preheat_max") == 0) {
		r = parse_duration(value, &p->preheat_max_usec);
	} else {
		snprintf(c->error, sizeof(c->error), "unknown key '%s' in [heating]", name);
		return 0;
	}
	if (r < 0) {
		snprintf(c->error, sizeof(c->error), "invalid value '%s' for '%s'", value, name);
		return 0;
	}
	return 1;
}

/* Parses "<unix_time_s> <temp_c>"; returns 2 for both, 1 for the time only, -EINVAL. */
static int parse_input(const char *line, double *ret_time_s, double *ret_c)
{
	char *end;
	double t, v;

	errno = 0;
	t = strtod(line, &end);
	if (errno != 0 || end == line || !(t >= 0 && t < 1e11))
		return -EINVAL;
	line = end;
	errno = 0;
	v = strtod(line, &end);
	while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
		end++;
	*ret_time_s = floor(t * 1e6) / 1e6;
	if (errno != 0 || end == line || *end != '\0' || !(v > -55 && v < 125))
		return 1;
	*ret_c = v;
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct cil_config cfg = { 0 };
	struct thermostat *t = NULL;
	const char *config = NULL;
	char *line = NULL;
	size_t cap = 0;
	unsigned long lineno = 0;
	uint64_t last_usec = 0;
	bool have_time = false;
	int opt, r, ret = 0;

	while ((opt = getopt_long(argc, argv, "c:h", options, NULL)) >= 0) {
		switch (opt) {
		case 'c':
			config = optarg;
			break;
		case 'h':
			printf("Usage: bedroomd-thermostat-cil [--config FILE] < readings\n");
			return 0;
		default:
			return EX_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "unexpected argument '%s'\n", argv[optind]);
		return EX_USAGE;
	}
	thermostat_params_init(&cfg.params);
	thermostat_input_init(&cfg.input);
	if (config) {
		r = ini_parse(config, handler, &cfg);
		if (r < 0) {
			fprintf(stderr, "%s: cannot read: %s\n", config, strerror(errno));
			return EX_CONFIG;
		}
		if (r > 0) {
			fprintf(stderr, "%s:%d: %s\n", config, r,
				cfg.error[0] ? cfg.error : "syntax error");
			return EX_CONFIG;
		}
	}
	r = thermostat_new(&cfg.params, &t);
	if (r < 0) {
		fprintf(stderr, "%s: invalid heating settings: %s\n", config ? config : "defaults",
			strerror(-r));
		return EX_CONFIG;
	}
	while (getline(&line, &cap, stdin) >= 0) {
		struct thermostat_decision d;
		double time_s = 0, temp_c = NAN;
		bool on = false;
		int n;

		lineno++;
		n = parse_input(line, &time_s, &temp_c);
		if (n < 0) {
			fprintf(stderr,
				"stdin:%lu: expected '<unix_time_s> <temp_c>', answering off\n",
				lineno);
		} else {
			uint64_t now_usec = (uint64_t) (time_s * 1e6);
			time_t tt = (time_t) time_s;
			struct tm tm;

			if (n == 1)
				fprintf(stderr,
					"stdin:%lu: no valid temperature, keeping the last "
					"reading until it goes stale\n",
					lineno);
			if (have_time && now_usec < last_usec) {
				fprintf(stderr, "stdin:%lu: time goes backwards, answering off\n",
					lineno);
			} else if (!localtime_r(&tt, &tm)) {
				fprintf(stderr, "stdin:%lu: time out of range, answering off\n",
					lineno);
			} else {
				have_time = true;
				last_usec = now_usec;
				if (n == 2) {
					cfg.input.room_known = true;
					cfg.input.room_c = temp_c;
					cfg.input.room_usec = now_usec;
				}
				r = thermostat_step(t, &cfg.input, now_usec,
						    (unsigned) (tm.tm_hour * 3600 + tm.tm_min * 60 +
								tm.tm_sec % 60),
						    &d);
				if (r >= 0)
					on = d.stage[0].on;
				else
					fprintf(stderr,
						"stdin:%lu: thermostat refused the step: %s, "
						"answering off\n",
						lineno, strerror(-r));
			}
		}
		if (printf("%s\n", on ? "on" : "off") < 0 || fflush(stdout) != 0) {
			ret = 1;
			break;
		}
	}
	free(line);
	thermostat_free(t);
	return ret;
}
