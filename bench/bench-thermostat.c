/*
 * bench-thermostat: the thermostat, and re-implementations of the thermostats it
 * is compared with, on the simulated room of ../shared/sim/room-model.md, driven
 * by a month of real January weather. Prints a Markdown table; see
 * docs/benchmarks.md for what each column means and how the baselines compare.
 *
 *   bench-thermostat [--data DIR] [--days N] [--variant older|modern] [--trace NAME]
 *                    [--seed N] [--verbose] [--nights]
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench-baselines.h"
#include "bench/bench-ctl.h"
#include "control/thermostat.h"
#include "sim/room.h"
#include "sim/weather.h"

#ifndef BENCH_DATA_DIR
#define BENCH_DATA_DIR "bench/data"
#endif

#define DT_S        10.0
#define READING_S   60
#define DAY_S       86400
#define FLOOR_C     18.0
#define NIGHT_ON_S  (22 * 3600)
#define NIGHT_OFF_S (7 * 3600)

enum schedule {
	SCHEDULE_CONTINUOUS, /* 18 °C floor all day */
	SCHEDULE_SETBACK,    /* night floor only; baselines switched on at 21:00 */
};

enum ctl_kind {
	CTL_KIND_BEDROOMD,
	CTL_KIND_HA,
	CTL_KIND_ESPHOME,
	CTL_KIND_TASMOTA,
};

/* Baselines in the setback schedule: switched on this long before 22:00 ... */
#define PREHEAT_TYPICAL_MIN 60
/* ... or, for the like-for-like comparison, the shortest fixed lead (5 min steps, at
 * most 4 h) with which the air has reached 18 °C at 22:00 on every night. */
#define PREHEAT_SUFFICIENT 0
#define PREHEAT_MAX_MIN    240

struct run_spec {
	enum ctl_kind kind;
	double target_c;
	enum schedule schedule;
	unsigned preheat_min; /* baselines in setback; PREHEAT_SUFFICIENT: searched */
};

struct ctl {
	enum ctl_kind kind;
	enum schedule schedule;
	unsigned preheat_min;
	bool on;
	struct baseline base;
	struct bench_ctl bedroomd;
};

struct result {
	double minutes_below;
	double degree_minutes;
	double max_under_c;
	double switch_ons_per_day;
	double kwh;
	double reach_min;
	double mean_air_c;    /* over the whole counted period, day and night */
	unsigned late_nights; /* nights with the air below 18 °C at 22:00 */
	unsigned preheat_min; /* baselines in setback: the lead used */
	unsigned nights;
};

/* The figures of room-model.md, 26 nights each; NAN where it has none. */
struct reference {
	const char *trace;
	enum ctl_kind kind;
	double target_c;
	enum schedule schedule;
	double minutes_below, max_under_c, switch_ons_per_day, kwh, reach_min;
};

static const struct reference references[] = {
	{ "boston", CTL_KIND_HA, 18.0, SCHEDULE_CONTINUOUS, 5639, 1.04, 72.9, 309.3, 1.6 },
	{ "boston", CTL_KIND_HA, 18.5, SCHEDULE_CONTINUOUS, 1748, 0.57, 73.7, 316.5, 0.3 },
	{ "boston", CTL_KIND_ESPHOME, 18.5, SCHEDULE_CONTINUOUS, 3005, 0.82, 59.1, 316.3, 0.7 },
	{ "boston", CTL_KIND_HA, 18.5, SCHEDULE_SETBACK, 4212, 4.24, 28.3, 246.7, 30.6 },
	{ "minneapolis", CTL_KIND_HA, 18.0, SCHEDULE_CONTINUOUS, 6407, 1.11, 81.3, 407.0, 1.9 },
	{ "minneapolis", CTL_KIND_HA, 18.5, SCHEDULE_CONTINUOUS, 2860, 0.64, 81.9, 414.1, 0.4 },
	{ "minneapolis", CTL_KIND_ESPHOME, 18.5, SCHEDULE_CONTINUOUS, 3753, 0.87, 66.0, 414.2,
	  0.8 },
	{ "minneapolis", CTL_KIND_HA, 18.5, SCHEDULE_SETBACK, 6600, 8.32, 21.1, 312.4, 121.5 },
	{ "boston", CTL_KIND_TASMOTA, 18.5, SCHEDULE_CONTINUOUS, 4751, 3.62, 46.1, 312.8, 4.8 },
};

static const struct run_spec runs[] = {
	{ CTL_KIND_HA, 18.0, SCHEDULE_CONTINUOUS, 0 },
	{ CTL_KIND_HA, 18.5, SCHEDULE_CONTINUOUS, 0 },
	{ CTL_KIND_ESPHOME, 18.5, SCHEDULE_CONTINUOUS, 0 },
	{ CTL_KIND_TASMOTA, 18.5, SCHEDULE_CONTINUOUS, 0 },
	{ CTL_KIND_BEDROOMD, 18.0, SCHEDULE_CONTINUOUS, 0 },
	{ CTL_KIND_HA, 18.5, SCHEDULE_SETBACK, PREHEAT_TYPICAL_MIN },
	{ CTL_KIND_HA, 18.5, SCHEDULE_SETBACK, PREHEAT_SUFFICIENT },
	{ CTL_KIND_BEDROOMD, 18.0, SCHEDULE_SETBACK, 0 },
};

static const char *kind_name(enum ctl_kind k)
{
	switch (k) {
	case CTL_KIND_BEDROOMD:
		return "bedroomd";
	case CTL_KIND_HA:
		return "HA generic";
	case CTL_KIND_ESPHOME:
		return "ESPHome";
	case CTL_KIND_TASMOTA:
		return "Tasmota PI";
	}
	return "?";
}

static const char *schedule_name(enum schedule s)
{
	switch (s) {
	case SCHEDULE_CONTINUOUS:
		return "continuous";
	case SCHEDULE_SETBACK:
		return "setback";
	}
	return "?";
}

static int ctl_init(struct ctl *c, const struct run_spec *spec)
{
	*c = (struct ctl){ .kind = spec->kind,
			   .schedule = spec->schedule,
			   .preheat_min = spec->preheat_min };
	switch (spec->kind) {
	case CTL_KIND_BEDROOMD:
		break;
	case CTL_KIND_HA:
		baseline_init(&c->base, BASELINE_KIND_HA, spec->target_c);
		return 0;
	case CTL_KIND_ESPHOME:
		baseline_init(&c->base, BASELINE_KIND_ESPHOME, spec->target_c);
		return 0;
	case CTL_KIND_TASMOTA:
		baseline_init(&c->base, BASELINE_KIND_TASMOTA, spec->target_c);
		return 0;
	}
	return bench_ctl_init(&c->bedroomd, spec->target_c, spec->schedule == SCHEDULE_CONTINUOUS);
}

static void ctl_done(struct ctl *c)
{
	bench_ctl_done(&c->bedroomd);
}

/* Baselines in the setback schedule are switched on from 22:00 - preheat to 07:00. */
static bool baseline_active(const struct ctl *c, unsigned sec_of_day)
{
	if (c->schedule == SCHEDULE_CONTINUOUS)
		return true;
	return sec_of_day >= NIGHT_ON_S - c->preheat_min * 60 || sec_of_day < NIGHT_OFF_S;
}

static bool verbose;
static bool per_night;          /* --nights: one line per night on stderr */
static uint64_t noise_seed = 1; /* --seed: the sensor noise sequence (the tables: 1) */

/* What one day (07:00 to 07:00) looked like, for --nights; true air and walls. */
struct night_log {
	double first_on_s; /* first switch-on after 12:00, in seconds of the day */
	double air_22_c, mass_22_c, out_22_c, min_c, below_min, energy0_j;
	unsigned ons0, ons_prev;
};

/* Called after every simulation step; prints the day at 07:00. */
static void night_log_step(struct night_log *nl, const struct ctl *c, const struct sim_room *room,
			   long day, unsigned sec_of_day, double air_c, double out_c)
{
	unsigned ons = sim_room_switch_ons(room, 0);

	if (sec_of_day == NIGHT_OFF_S) {
		if (day >= 2)
			fprintf(stderr,
				"  %s %s day %ld: first on %02.0f:%02.0f, at 22:00 air %.2f walls "
				"%.2f out %.1f; night min %.2f, %.0f min < 18; day %.1f kWh, %u "
				"ons\n",
				kind_name(c->kind), schedule_name(c->schedule), day - 1,
				floor(nl->first_on_s / 3600), fmod(nl->first_on_s / 60, 60),
				nl->air_22_c, nl->mass_22_c, nl->out_22_c, nl->min_c, nl->below_min,
				(sim_room_energy_j(room) - nl->energy0_j) / 3.6e6, ons - nl->ons0);
		*nl = (struct night_log){ .first_on_s = NAN,
					  .min_c = INFINITY,
					  .energy0_j = sim_room_energy_j(room),
					  .ons0 = ons,
					  .ons_prev = ons };
	}
	if (ons != nl->ons_prev && sec_of_day >= 12 * 3600 && isnan(nl->first_on_s))
		nl->first_on_s = sec_of_day;
	nl->ons_prev = ons;
	if (sec_of_day == NIGHT_ON_S) {
		nl->air_22_c = air_c;
		nl->mass_22_c = sim_room_mass_c(room);
		nl->out_22_c = out_c;
	}
	if (sec_of_day >= NIGHT_ON_S || sec_of_day < NIGHT_OFF_S) {
		nl->min_c = fmin(nl->min_c, air_c);
		nl->below_min += air_c < FLOOR_C ? DT_S / 60 : 0;
	}
}

static int run(const struct sim_weather *w, enum sim_room_variant variant, double days,
	       const struct run_spec *spec, struct result *res)
{
	struct sim_room_params rp;
	struct sim_room *room = NULL;
	struct ctl c;
	double end_s = fmin(sim_weather_end_s(w), days * DAY_S);
	double below_s = 0, degree_s = 0, max_under = 0, reach_sum_s = 0;
	double energy0_j = 0, air_sum = 0, last_warm_s = -1e9;
	double trough_c = INFINITY, trough_sum = 0, trough_lo = INFINITY, on_s = -1e9;
	unsigned ons0 = 0, nights = 0, late = 0, troughs = 0, ons_seen = 0;
	long air_n = 0;
	bool in_night = false, reached = false;
	double night_start_s = 0;
	long steps = (long) (end_s / DT_S);
	struct night_log nl = { .first_on_s = NAN, .min_c = INFINITY };
	int r;

	r = sim_room_params_init(&rp, variant);
	if (r < 0)
		return r;
	rp.seed = noise_seed;
	r = sim_room_new(&rp, &room);
	if (r < 0)
		return r;
	r = ctl_init(&c, spec);
	if (r < 0)
		goto out;
	for (long k = 0; k < steps; k++) {
		double t_s = (double) k * DT_S;
		uint64_t now_usec = (uint64_t) k * (uint64_t) (DT_S * 1e6);
		unsigned sec_of_day = (unsigned) ((long) t_s % DAY_S);
		long day = (long) t_s / DAY_S;
		double out_c = sim_weather_outdoor_c(w, t_s);
		bool reading = (long) t_s % READING_S == 0;
		double sensor_c = reading ? sim_room_sensor_c(room) : NAN;
		double air_c;

		if (c.kind == CTL_KIND_BEDROOMD) {
			r = bench_ctl_step(&c.bedroomd, now_usec, sec_of_day, reading, sensor_c,
					   out_c);
			if (r < 0)
				goto out;
			c.on = c.bedroomd.on;
		} else {
			bool active = baseline_active(&c, sec_of_day);

			if (reading)
				baseline_reading(&c.base, t_s, sensor_c, active);
			else
				baseline_tick(&c.base, t_s, active);
			c.on = c.base.on;
		}
		if (k > 0 && (long) t_s % DAY_S == 0 && day == 1) {
			energy0_j = sim_room_energy_j(room);
			ons0 = sim_room_switch_ons(room, 0);
		}
		sim_room_step(room, c.on, out_c, DT_S);
		air_c = sim_room_true_air_c(room);
		if (per_night && (c.kind == CTL_KIND_BEDROOMD || c.preheat_min != 0))
			night_log_step(&nl, &c, room, day, sec_of_day, air_c, out_c);
		if (day >= 1) {
			air_sum += air_c;
			air_n++;
		}
		if (air_c >= FLOOR_C)
			last_warm_s = t_s;
		/* the trough of each cycle: lowest air in the 5 min after a relay switch-on */
		if (sim_room_switch_ons(room, 0) != ons_seen) {
			ons_seen = sim_room_switch_ons(room, 0);
			on_s = t_s;
			trough_c = air_c;
		}
		if (t_s - on_s <= 300 && air_c < trough_c)
			trough_c = air_c;
		if (t_s - on_s > 300 && isfinite(trough_c)) {
			if (day >= 1 && trough_c > FLOOR_C - 1 && trough_c < FLOOR_C + 1) {
				trough_sum += trough_c;
				troughs++;
				trough_lo = fmin(trough_lo, trough_c);
			}
			trough_c = INFINITY;
		}

		/* Whole nights after the first day, from 22:00 to 07:00 the next morning. */
		if (sec_of_day == NIGHT_ON_S && day >= 1 &&
		    t_s + (DAY_S - NIGHT_ON_S + NIGHT_OFF_S) <= end_s) {
			in_night = true;
			reached = false;
			night_start_s = t_s;
			nights++;
			/* late: the air has not reached 18 °C in the half hour before 22:00 */
			late += t_s - last_warm_s > 1800;
		}
		if (in_night && sec_of_day == NIGHT_OFF_S)
			in_night = false;
		if (!in_night)
			continue;
		if (air_c < FLOOR_C) {
			if (verbose && c.kind == CTL_KIND_BEDROOMD && FLOOR_C - air_c > 0.5 &&
			    (long) t_s % 3600 == 0)
				fprintf(stderr, "  day %ld %02u:00: air %.2f, outdoor %.1f\n", day,
					sec_of_day / 3600, air_c, out_c);
			below_s += DT_S;
			degree_s += (FLOOR_C - air_c) * DT_S;
			if (FLOOR_C - air_c > max_under)
				max_under = FLOOR_C - air_c;
		}
		if (!reached && air_c >= FLOOR_C) {
			reached = true;
			reach_sum_s += t_s - night_start_s;
		}
	}
	*res = (struct result){
		.minutes_below = below_s / 60,
		.degree_minutes = degree_s / 60,
		.max_under_c = max_under,
		.switch_ons_per_day =
		    (double) (sim_room_switch_ons(room, 0) - ons0) / ((end_s - DAY_S) / DAY_S),
		.kwh = (sim_room_energy_j(room) - energy0_j) / 3.6e6,
		.reach_min = nights ? reach_sum_s / 60 / nights : NAN,
		.mean_air_c = air_n ? air_sum / (double) air_n : NAN,
		.late_nights = late,
		.preheat_min = c.preheat_min,
		.nights = nights,
	};
	if (verbose && c.bedroomd.thermostat) {
		struct thermostat_learned l;

		thermostat_get_learned(c.bedroomd.thermostat, &l);
		fprintf(
		    stderr,
		    "%s %s: learned heater gain %.1f K/h, heater lag %.0f s, sensor lag %.0f s, "
		    "room %.0f min, walls %.1f h, reach %.1f K, sure %.2f (%s), margin %.2f K, "
		    "duty %.2f; fallback band %.2f K, on-offset %.2f K\n",
		    kind_name(c.kind), schedule_name(c.schedule), l.heater_gain_k_per_h,
		    l.heater_lag_s, l.sensor_lag_s, l.room_tau_s / 60, l.walls_tau_s / 3600,
		    l.max_rise_k, l.sure, l.model_in_use ? "model in use" : "fallback band",
		    l.margin_c, l.duty, l.band_c, l.on_offset_c);
	}
	if (verbose)
		fprintf(stderr,
			"%s %s: mean air %.3f, %u late nights, mean trough %.3f (lowest %.2f)\n",
			kind_name(c.kind), schedule_name(c.schedule), res->mean_air_c, late,
			troughs ? trough_sum / troughs : NAN, trough_lo);
out:
	ctl_done(&c);
	sim_room_free(room);
	return r;
}

static const struct reference *find_reference(const char *trace, const struct run_spec *s)
{
	for (size_t i = 0; i < sizeof(references) / sizeof(references[0]); i++) {
		const struct reference *ref = &references[i];

		if (strcmp(ref->trace, trace) == 0 && ref->kind == s->kind &&
		    ref->target_c == s->target_c && ref->schedule == s->schedule &&
		    (s->schedule == SCHEDULE_CONTINUOUS || s->preheat_min == PREHEAT_TYPICAL_MIN))
			return ref;
	}
	return NULL;
}

/*
 * Runs @spec; for a baseline with PREHEAT_SUFFICIENT, the shortest fixed lead (in
 * 5 min steps, at most 4 h) with which the air is at 18 °C at 22:00 on every night.
 */
static int run_spec_or_search(const struct sim_weather *w, enum sim_room_variant variant,
			      double days, const struct run_spec *spec, struct result *res)
{
	struct run_spec s = *spec;
	int r;

	if (spec->kind == CTL_KIND_BEDROOMD || spec->schedule != SCHEDULE_SETBACK ||
	    spec->preheat_min != PREHEAT_SUFFICIENT)
		return run(w, variant, days, spec, res);
	for (s.preheat_min = 5; s.preheat_min <= PREHEAT_MAX_MIN; s.preheat_min += 5) {
		bool v = verbose, pn = per_night;

		verbose = false;
		per_night = false;
		r = run(w, variant, days, &s, res);
		verbose = v;
		per_night = pn;
		if (r < 0 || res->late_nights == 0)
			break;
	}
	if (r < 0)
		return r;
	if (s.preheat_min > PREHEAT_MAX_MIN)
		s.preheat_min = PREHEAT_MAX_MIN;
	return run(w, variant, days, &s, res);
}

/*
 * What bedroomd is compared with: HA generic_thermostat at 18.5 °C in the same
 * schedule; in setback, the one switched on early enough to have the room at 18 °C
 * at 22:00 (bedroomd's goal), not the typical 21:00 that leaves it cold for hours.
 */
static const struct result *like_for_like(const struct result *res, const struct run_spec *s)
{
	for (size_t j = 0; j < sizeof(runs) / sizeof(runs[0]); j++)
		if (runs[j].kind == CTL_KIND_HA && runs[j].target_c == 18.5 &&
		    runs[j].schedule == s->schedule &&
		    (s->schedule == SCHEDULE_CONTINUOUS ||
		     runs[j].preheat_min == PREHEAT_SUFFICIENT))
			return &res[j];
	return NULL;
}

static int bench_trace(const char *dir, const char *trace, enum sim_room_variant variant,
		       double days, bool compare)
{
	char path[4096];
	struct sim_weather *w = NULL;
	struct result res[sizeof(runs) / sizeof(runs[0])];
	unsigned line = 0;
	int r, n;

	n = snprintf(path, sizeof(path), "%s/weather_%s.csv", dir, trace);
	if (n < 0 || (size_t) n >= sizeof(path))
		return -ENAMETOOLONG;
	r = sim_weather_load(path, &w, &line);
	if (r < 0) {
		fprintf(stderr, "%s:%u: cannot load weather: %s\n", path, line, strerror(-r));
		return r;
	}
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		r = run_spec_or_search(w, variant, days, &runs[i], &res[i]);
		if (r < 0) {
			fprintf(stderr, "%s: run failed: %s\n", trace, strerror(-r));
			goto out;
		}
	}
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		const struct run_spec *s = &runs[i];
		const struct reference *ref = compare ? find_reference(trace, s) : NULL;
		const struct result *ha = like_for_like(res, s);
		char ratio[64] = " | ", refs[96] = "", mode[64];

		if (s->kind == CTL_KIND_BEDROOMD && ha && ha->kwh > 0 && ha->switch_ons_per_day > 0)
			snprintf(ratio, sizeof(ratio), "%.3f | %.2f", res[i].kwh / ha->kwh,
				 res[i].switch_ons_per_day / ha->switch_ons_per_day);
		if (ref)
			snprintf(refs, sizeof(refs), "%.0f / %.2f / %.1f / %.1f / %.1f",
				 ref->minutes_below, ref->max_under_c, ref->switch_ons_per_day,
				 ref->kwh, ref->reach_min);
		if (s->kind != CTL_KIND_BEDROOMD && s->schedule == SCHEDULE_SETBACK)
			snprintf(mode, sizeof(mode), "setback, on %02u:%02u%s",
				 (NIGHT_ON_S / 60 - res[i].preheat_min) / 60,
				 (NIGHT_ON_S / 60 - res[i].preheat_min) % 60,
				 s->preheat_min == PREHEAT_SUFFICIENT ? " (*)" : "");
		else
			snprintf(mode, sizeof(mode), "%s", schedule_name(s->schedule));
		printf(
		    "| %s | %s | %.1f | %s | %.0f | %.0f | %.2f | %.1f | %.1f | %.1f | %s | %s |\n",
		    trace, kind_name(s->kind), s->target_c, mode, res[i].minutes_below,
		    res[i].degree_minutes, res[i].max_under_c, res[i].switch_ons_per_day,
		    res[i].kwh, res[i].reach_min, ratio, refs);
	}
	fflush(stdout);
out:
	sim_weather_free(w);
	return r;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: bench-thermostat [--data DIR] [--days N] [--variant older|modern]\n"
		   "                        [--trace boston|minneapolis] [--seed N] [--verbose]\n"
		   "                        [--nights]\n");
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "days", required_argument, NULL, 'n' },
		{ "variant", required_argument, NULL, 'v' },
		{ "trace", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'V' },
		{ "nights", no_argument, NULL, 'N' },
		{ "seed", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char *const traces[] = { "boston", "minneapolis" };
	const char *dir = BENCH_DATA_DIR, *only = NULL;
	enum sim_room_variant variant = SIM_ROOM_VARIANT_OLDER;
	double days = 1e9;
	int opt;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) >= 0) {
		switch (opt) {
		case 'd':
			dir = optarg;
			break;
		case 'n': {
			char *end;

			days = strtod(optarg, &end);
			if (*end != '\0' || !(days >= 2)) {
				fprintf(stderr, "--days: '%s' is not a number of days >= 2\n",
					optarg);
				return 2;
			}
			break;
		}
		case 'v':
			if (strcmp(optarg, "older") == 0) {
				variant = SIM_ROOM_VARIANT_OLDER;
			} else if (strcmp(optarg, "modern") == 0) {
				variant = SIM_ROOM_VARIANT_MODERN;
			} else {
				fprintf(stderr, "--variant: '%s' is not older or modern\n", optarg);
				return 2;
			}
			break;
		case 't':
			only = optarg;
			break;
		case 'V':
			verbose = true;
			break;
		case 'N':
			per_night = true;
			break;
		case 's': {
			char *end;

			errno = 0;
			noise_seed = strtoull(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0') {
				fprintf(stderr, "--seed: '%s' is not a number\n", optarg);
				return 2;
			}
			break;
		}
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	printf("room: %s; true air, whole nights 22:00-07:00 after the first day\n\n",
	       variant == SIM_ROOM_VARIANT_OLDER ? "older" : "modern");
	printf(
	    "| trace | controller | target | mode | min < 18 | deg-min | max under | on/day | kWh "
	    "| reach (min) | kWh / HA-18.5 | on / HA-18.5 | room-model.md: min / under / on / kWh "
	    "/ reach |\n");
	printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < sizeof(traces) / sizeof(traces[0]); i++) {
		if (only && strcmp(only, traces[i]) != 0)
			continue;
		if (bench_trace(dir, traces[i], variant, days,
				variant == SIM_ROOM_VARIANT_OLDER && days > 28) < 0)
			return 1;
	}
	return 0;
}
