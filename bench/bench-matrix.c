/*
 * bench-matrix: bedroomd on rooms, heaters and sensors nobody tuned it for
 * (issue 11): every variant below on every weather trace of bench/data, in the
 * continuous and the setback schedule, each case from unlearned defaults,
 * beside Home Assistant's generic_thermostat at 18.5 °C and the best fixed band
 * in hindsight. docs/benchmarks.md explains the columns and the goal. The last
 * line says how fast the model learned (issue 11: within three nights): when it
 * first decided, and its heater gain at 72 h against the simulated heater's.
 *
 *   bench-matrix [--data DIR] [--days N] [--variant NAME] [--trace NAME]
 *                [--schedule continuous|setback] [--verbose] [--nights] [--no-outdoor]
 *
 * --no-outdoor: bedroomd is not told the outdoor temperature (it is optional in
 * the daemon's config).
 *
 * The controller's setup is the same for every case (bench-ctl.c): the plant
 * parameters below are the simulator's only.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench-baselines.h"
#include "bench/bench-ctl.h"
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
#define PREHEAT_S   (4 * 3600) /* the pre-heat limit: from 18:00 */
#define GOAL_MIN    10.0
#define GOAL_KWH    1.02

struct variant {
	const char *name;
	enum sim_room_variant room;
	double heater_w, heater_tau_s, sensor_tau_s, noise_c, offset_c;
};

static const struct variant variants[] = {
	{ "older-1500-convector", SIM_ROOM_VARIANT_OLDER, 1500, 60, 120, 0.02, 0 },
	{ "older-1500-oil15", SIM_ROOM_VARIANT_OLDER, 1500, 900, 120, 0.02, 0 },
	{ "older-2000-fan", SIM_ROOM_VARIANT_OLDER, 2000, 20, 120, 0.02, 0 },
	{ "older-1500-conv-s300-noisy", SIM_ROOM_VARIANT_OLDER, 1500, 60, 300, 0.05, 0 },
	{ "older-1500-conv-reads-low", SIM_ROOM_VARIANT_OLDER, 1500, 60, 120, 0.02, -0.3 },
	{ "modern-1000-convector", SIM_ROOM_VARIANT_MODERN, 1000, 120, 120, 0.02, 0 },
	{ "modern-500-oil15", SIM_ROOM_VARIANT_MODERN, 500, 900, 120, 0.02, 0 },
	{ "modern-1500-fan-s300", SIM_ROOM_VARIANT_MODERN, 1500, 20, 300, 0.02, 0 },
	{ "modern-2000-oil20", SIM_ROOM_VARIANT_MODERN, 2000, 1200, 200, 0.02, 0 },
	{ "heavy-1500-oil20", SIM_ROOM_VARIANT_HEAVY, 1500, 1200, 120, 0.02, 0 },
	{ "heavy-2000-convector-s60", SIM_ROOM_VARIANT_HEAVY, 2000, 120, 60, 0.02, 0 },
	{ "timber-1000-fan", SIM_ROOM_VARIANT_TIMBER, 1000, 20, 120, 0.02, 0 },
	{ "timber-1500-oil10", SIM_ROOM_VARIANT_TIMBER, 1500, 600, 180, 0.02, 0 },
	{ "timber-1000-convector-s240", SIM_ROOM_VARIANT_TIMBER, 1000, 120, 240, 0.03, 0 },
};

static const char *const traces[] = { "boston", "minneapolis", "tacoma" };

enum kind {
	KIND_BEDROOMD,
	KIND_BAND, /* a +-0.3 K hysteresis on the reading: HA generic_thermostat */
};

struct spec {
	enum kind kind;
	double target_c;
	bool continuous;
	unsigned lead_min; /* a band in setback: on from 22:00 - lead to 07:00 */
};

struct result {
	double minutes_below; /* whole nights, from when it was possible */
	double max_under_c;
	double ons_per_day;
	double kwh;
	unsigned nights, infeasible,
	    late;             /* late: feasible, not at 18 in the 30 min before 22:00 */
	double worst_short_c; /* infeasible nights: full power short at 22:00 by */
	struct thermostat_learned learned;
	unsigned changes;
	/* convergence (issue 11: within three nights): when the model first decided,
	 * and its heater gain three days in against the simulated heater's */
	double in_use_h;    /* NAN: never */
	double gain_err_3d; /* relative; NAN: not in use at 72 h, or a shorter run */
};

/* Across all bedroomd cases: the slowest to converge. */
static struct {
	double in_use_max_h, gain_err_max;
	char in_use_case[160], gain_case[160]; /* the cases of those ("": none yet) */
	unsigned never, not_by_3d, gain_within_10;
} converge;

static bool verbose, per_night, no_outdoor;
static double days_max = 1e9;

/* 18:00: what full power until 07:00 would do; returns seconds after 22:00 to reach 18. */
static double full_power_reach_s(const struct sim_room *room, const struct sim_weather *w,
				 double t_s, double *ret_air22)
{
	struct sim_room *c = NULL;
	double reach = INFINITY;

	*ret_air22 = NAN;
	if (sim_room_clone(room, &c) < 0)
		return 0;
	for (double s = 0; s < 13 * 3600.0; s += DT_S) {
		double air;

		sim_room_step(c, true, sim_weather_outdoor_c(w, t_s + s), DT_S);
		air = sim_room_true_air_c(c);
		if (s + DT_S >= PREHEAT_S && isnan(*ret_air22))
			*ret_air22 = air;
		if (s + DT_S >= PREHEAT_S && air >= FLOOR_C) {
			reach = s + DT_S - PREHEAT_S;
			break;
		}
	}
	sim_room_free(c);
	return reach;
}

/* When the model first decides; its gain 72 h in (@true_gain_k_per_h: the simulated heater's). */
static void note_convergence(const struct bench_ctl *ctl, double t_s, double true_gain_k_per_h,
			     struct result *res)
{
	struct thermostat_learned l;

	if (!isnan(res->in_use_h) && t_s != 3 * DAY_S)
		return;
	thermostat_get_learned(ctl->thermostat, &l);
	if (isnan(res->in_use_h) && l.model_in_use)
		res->in_use_h = t_s / 3600;
	if (t_s == 3 * DAY_S && l.model_in_use)
		res->gain_err_3d = l.heater_gain_k_per_h / true_gain_k_per_h - 1;
}

static int run(const struct sim_weather *w, const struct variant *v, const struct spec *sp,
	       struct result *res)
{
	struct sim_room_params rp;
	struct sim_room *room = NULL;
	struct bench_ctl ctl = { 0 };
	struct baseline band;
	double end_s = fmin(sim_weather_end_s(w), days_max * DAY_S), energy0 = 0, excused_s = 0;
	double below_s = 0, last_warm_s = -1e9, night_below0_s = 0, night_min_c = INFINITY;
	unsigned ons0 = 0;
	bool in_night = false, on = false;
	long steps = (long) (end_s / DT_S), night_no = 0;
	int r;

	*res = (struct result){ .in_use_h = NAN, .gain_err_3d = NAN };
	sim_room_params_init(&rp, v->room);
	rp.heater_w[0] = v->heater_w;
	rp.heater_tau_s = v->heater_tau_s;
	rp.sensor_tau_s = v->sensor_tau_s;
	rp.sensor_noise_c = v->noise_c;
	rp.sensor_offset_c = v->offset_c;
	r = sim_room_new(&rp, &room);
	if (r < 0)
		return r;
	if (sp->kind == KIND_BEDROOMD) {
		r = bench_ctl_init(&ctl, FLOOR_C, sp->continuous);
		if (r < 0)
			goto out;
	} else {
		baseline_init(&band, BASELINE_KIND_HA, sp->target_c);
	}
	for (long k = 0; k < steps; k++) {
		double t_s = (double) k * DT_S, out_c = sim_weather_outdoor_c(w, t_s), air;
		unsigned sec = (unsigned) ((long) t_s % DAY_S);
		long day = (long) t_s / DAY_S;
		bool reading = (long) t_s % READING_S == 0;
		double y = reading ? sim_room_sensor_c(room) : NAN;

		if (sp->kind == KIND_BEDROOMD) {
			r = bench_ctl_step(&ctl, (uint64_t) k * 10000000ULL, sec, reading, y,
					   no_outdoor ? NAN : out_c);
			if (r < 0)
				goto out;
			on = ctl.on;
			note_convergence(&ctl, t_s, v->heater_w / rp.c_a_j_per_k * 3600, res);
		} else {
			bool active = sp->continuous || sec >= NIGHT_ON_S - sp->lead_min * 60 ||
				      sec < NIGHT_OFF_S;

			if (reading)
				baseline_reading(&band, t_s, y, active);
			on = band.on;
		}
		if (day == 1 && sec == 0) {
			energy0 = sim_room_energy_j(room);
			ons0 = sim_room_switch_ons(room, 0);
		}
		/* setback: is the floor at 22:00 within reach of full power from 18:00? */
		if (!sp->continuous && day >= 1 && sec == NIGHT_ON_S - PREHEAT_S &&
		    t_s + 13 * 3600.0 <= end_s) {
			double air22, reach = full_power_reach_s(room, w, t_s, &air22);

			excused_s = reach;
			if (reach > 0) {
				res->infeasible++;
				res->worst_short_c = fmax(res->worst_short_c, FLOOR_C - air22);
				if (per_night && sp->kind == KIND_BEDROOMD)
					fprintf(
					    stderr,
					    "  %s night %ld: full power from 18:00 reaches %.2f "
					    "°C at 22:00 (outdoor %.1f): infeasible, 18 °C at "
					    "%02.0f:%02.0f\n",
					    v->name, day, air22, out_c,
					    fmod(22 + floor(reach / 3600), 24),
					    fmod(floor(reach / 60), 60));
			}
		}
		sim_room_step(room, on, out_c, DT_S);
		air = sim_room_true_air_c(room);
		if (air >= FLOOR_C)
			last_warm_s = t_s;
		if (sec == NIGHT_ON_S && day >= 1 &&
		    t_s + (DAY_S - NIGHT_ON_S + NIGHT_OFF_S) <= end_s) {
			in_night = true;
			night_no = day;
			night_below0_s = below_s;
			night_min_c = INFINITY;
			night_below0_s = below_s;
			night_min_c = INFINITY;
			res->nights++;
			if (sp->continuous)
				excused_s = 0;
			if (excused_s == 0 && t_s - last_warm_s > 1800)
				res->late++;
		}
		if (in_night && sec == NIGHT_OFF_S) {
			in_night = false;
			if (per_night && sp->kind == KIND_BEDROOMD)
				fprintf(
				    stderr,
				    "  %s night %ld: %.0f min below 18 (counted), lowest %.2f\n",
				    v->name, night_no, (below_s - night_below0_s) / 60,
				    night_min_c);
		}
		if (in_night)
			night_min_c = fmin(night_min_c, air);
		if (in_night && air < FLOOR_C) {
			double into = t_s - (double) night_no * DAY_S - NIGHT_ON_S;

			if (into >= excused_s) {
				below_s += DT_S;
				res->max_under_c = fmax(res->max_under_c, FLOOR_C - air);
			}
		}
	}
	res->minutes_below = below_s / 60;
	res->ons_per_day =
	    (double) (sim_room_switch_ons(room, 0) - ons0) / ((end_s - DAY_S) / DAY_S);
	res->kwh = (sim_room_energy_j(room) - energy0) / 3.6e6;
	if (ctl.thermostat) {
		thermostat_get_learned(ctl.thermostat, &res->learned);
		res->changes = ctl.changes;
	}
out:
	bench_ctl_done(&ctl);
	sim_room_free(room);
	return r;
}

/* The shortest lead (5 min steps, at most 4 h) with the room at 18 °C by 22:00 on every
 * night where that is possible: HA's like-for-like setback. */
static int search_lead(const struct sim_weather *w, const struct variant *v, double target_c,
		       unsigned *ret_lead)
{
	unsigned lo = 1, hi = PREHEAT_S / 300; /* in 5 min steps */
	struct result res;
	int r;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		struct spec sp = { KIND_BAND, target_c, false, mid * 5 };

		r = run(w, v, &sp, &res);
		if (r < 0)
			return r;
		if (res.late == 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*ret_lead = lo * 5;
	return 0;
}

/* The lowest band target (0.05 K steps) that holds the floor: at most GOAL_MIN below. */
static int search_band(const struct sim_weather *w, const struct variant *v, bool continuous,
		       unsigned lead_min, struct spec *ret_spec, struct result *ret)
{
	unsigned lo = 0, hi = 60; /* 18.30 + 0.05 k */
	int r;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		struct spec sp = { KIND_BAND, 18.3 + 0.05 * mid, continuous, lead_min };

		r = run(w, v, &sp, ret);
		if (r < 0)
			return r;
		if (ret->minutes_below <= GOAL_MIN)
			hi = mid;
		else
			lo = mid + 1;
	}
	*ret_spec = (struct spec){ KIND_BAND, 18.3 + 0.05 * lo, continuous, lead_min };
	return run(w, v, ret_spec, ret);
}

static unsigned cases, met;

static void note_case_convergence(const struct result *b, const char *trace,
				  const struct variant *v, bool continuous)
{
	char name[160];

	snprintf(name, sizeof(name), "%s %s %s", v->name, trace,
		 continuous ? "continuous" : "setback");
	if (isnan(b->in_use_h))
		converge.never++;
	else if (b->in_use_h > converge.in_use_max_h) {
		converge.in_use_max_h = b->in_use_h;
		snprintf(converge.in_use_case, sizeof(converge.in_use_case), "%s", name);
	}
	if (isnan(b->gain_err_3d)) {
		converge.not_by_3d++;
		return;
	}
	converge.gain_within_10 += fabs(b->gain_err_3d) <= 0.1;
	if (fabs(b->gain_err_3d) > converge.gain_err_max) {
		converge.gain_err_max = fabs(b->gain_err_3d);
		snprintf(converge.gain_case, sizeof(converge.gain_case), "%s", name);
	}
}

/* The convergence summary under the table (a run shorter than 3 days has no gain at 72 h). */
static void print_convergence(void)
{
	printf("the model decided from %.1f h at the latest (%s), in %u of %u cases",
	       converge.in_use_max_h, converge.in_use_case[0] ? converge.in_use_case : "-",
	       cases - converge.never, cases);
	if (days_max > 3)
		printf("; at 72 h it decided in %u of %u, its heater gain within 10 %% of the "
		       "simulated heater's in %u (the furthest: %s, %.0f %%)",
		       cases - converge.not_by_3d, cases, converge.gain_within_10,
		       converge.gain_case[0] ? converge.gain_case : "-",
		       converge.gain_err_max * 100);
	printf("\n");
}

static int bench_case(const struct sim_weather *w, const char *trace, const struct variant *v,
		      bool continuous)
{
	struct spec sb = { KIND_BEDROOMD, FLOOR_C, continuous, 0 }, sh, sband;
	struct result b, h, band;
	unsigned lead = 0;
	bool ok;
	int r;

	if (!continuous) {
		r = search_lead(w, v, 18.5, &lead);
		if (r < 0)
			return r;
	}
	sh = (struct spec){ KIND_BAND, 18.5, continuous, lead };
	r = run(w, v, &sb, &b);
	if (r >= 0)
		r = run(w, v, &sh, &h);
	if (r >= 0)
		r = search_band(w, v, continuous, lead, &sband, &band);
	if (r < 0)
		return r;
	ok = b.minutes_below <= GOAL_MIN && b.ons_per_day <= h.ons_per_day &&
	     (!continuous || b.kwh <= GOAL_KWH * h.kwh);
	cases++;
	met += ok;
	note_case_convergence(&b, trace, v, continuous);
	printf("| %s | %s | %s | %.0f / %.2f / %.1f / %.1f | %.0f / %.2f / %.1f / %.1f%s | %.2f: "
	       "%.0f / %.1f / %.1f | %.3f | %.2f | %u (%.2f K) | %s |\n",
	       v->name, trace, continuous ? "continuous" : "setback", b.minutes_below,
	       b.max_under_c, b.ons_per_day, b.kwh, h.minutes_below, h.max_under_c, h.ons_per_day,
	       h.kwh, continuous ? "" : " (*)", sband.target_c, band.minutes_below,
	       band.ons_per_day, band.kwh, b.kwh / h.kwh, b.ons_per_day / h.ons_per_day,
	       b.infeasible, b.worst_short_c, ok ? "met" : "**missed**");
	if (verbose) {
		const struct thermostat_learned *l = &b.learned;

		fprintf(stderr,
			"  %s %s %s: learned gain %.1f K/h, heater lag %.0f s, sensor lag %.0f s, "
			"room %.0f min, walls %.1f h, reach %.1f K, sure %.2f%s, margin %.2f K, "
			"%u changes; decided from %.1f h, gain at 72 h %+.1f %%; HA (*) on "
			"%02u:%02u\n",
			v->name, trace, continuous ? "continuous" : "setback",
			l->heater_gain_k_per_h, l->heater_lag_s, l->sensor_lag_s,
			l->room_tau_s / 60, l->walls_tau_s / 3600, l->max_rise_k, l->sure,
			l->model_in_use ? "" : " (not in use)", l->margin_c, b.changes, b.in_use_h,
			b.gain_err_3d * 100, (NIGHT_ON_S / 60 - lead) / 60,
			(NIGHT_ON_S / 60 - lead) % 60);
	}
	fflush(stdout);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: bench-matrix [--data DIR] [--days N] [--variant NAME] [--trace NAME]\n"
		   "                    [--schedule continuous|setback] [--verbose] [--nights]\n"
		   "                    [--no-outdoor]\n");
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "days", required_argument, NULL, 'n' },
		{ "variant", required_argument, NULL, 'v' },
		{ "trace", required_argument, NULL, 't' },
		{ "schedule", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'V' },
		{ "nights", no_argument, NULL, 'N' },
		{ "no-outdoor", no_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *dir = BENCH_DATA_DIR, *only_v = NULL, *only_t = NULL, *only_s = NULL;
	int opt;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) >= 0) {
		switch (opt) {
		case 'd':
			dir = optarg;
			break;
		case 'n': {
			char *end;

			days_max = strtod(optarg, &end);
			if (*end != '\0' || !(days_max >= 2)) {
				fprintf(stderr, "--days: '%s' is not a number of days >= 2\n",
					optarg);
				return 2;
			}
			break;
		}
		case 'v':
			only_v = optarg;
			break;
		case 't':
			only_t = optarg;
			break;
		case 's':
			only_s = optarg;
			break;
		case 'V':
			verbose = true;
			break;
		case 'N':
			per_night = true;
			break;
		case 'O':
			no_outdoor = true;
			break;
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
	printf("true air, whole nights 22:00-07:00 after the first day; bedroomd, HA = "
	       "generic_thermostat 18.5 +-0.3, band = the lowest such target with <= %.0f min "
	       "below\n\n",
	       GOAL_MIN);
	printf("| variant | trace | mode | bedroomd: min < 18 / max under / on/day / kWh | HA "
	       "18.5: min / under / on / kWh | best band: min / on / kWh | kWh / HA | on / HA | "
	       "infeasible nights (short by) | goal |\n");
	printf("|---|---|---|---|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < sizeof(traces) / sizeof(traces[0]); i++) {
		struct sim_weather *w = NULL;
		char path[4096];
		unsigned line = 0;
		int r;

		if (only_t && strcmp(only_t, traces[i]) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/weather_%s.csv", dir, traces[i]);
		r = sim_weather_load(path, &w, &line);
		if (r < 0) {
			fprintf(stderr, "%s:%u: cannot load weather: %s\n", path, line,
				strerror(-r));
			return 1;
		}
		for (size_t k = 0; k < sizeof(variants) / sizeof(variants[0]) && r >= 0; k++) {
			if (only_v && strcmp(only_v, variants[k].name) != 0)
				continue;
			for (int s = 0; s < 2 && r >= 0; s++) {
				bool continuous = s == 0;

				if (only_s && strcmp(only_s, continuous ? "continuous" : "setback"))
					continue;
				r = bench_case(w, traces[i], &variants[k], continuous);
			}
		}
		sim_weather_free(w);
		if (r < 0) {
			fprintf(stderr, "%s: run failed: %s\n", traces[i], strerror(-r));
			return 1;
		}
	}
	printf("\n%u of %u cases meet the goal\n", met, cases);
	print_convergence();
	return 0;
}
