/*
 * One night of the simulated bedroom, printed as it happens: the daemon's own
 * thermostat (control/thermostat) on the room model of sim/ with a real winter
 * trace, far faster than real time. The demo shows it; a person can watch
 * what the controller does on a night colder than the one outside.
 *
 *   bench-night [--trace boston|minneapolis] [--night N] [--delay-ms MS]
 *
 * Days 0 to N-1 run unseen, so the controller has learned the room; night N is
 * printed every 15 simulated minutes from 20:00 to 08:00.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/bench-ctl.h"
#include "control/thermostat.h"
#include "sim/room.h"
#include "sim/weather.h"

#ifndef BENCH_DATA_DIR
#define BENCH_DATA_DIR "bench/data"
#endif

#define DT_S      10.0
#define READING_S 60
#define DAY_S     86400
#define FLOOR_C   18.0

static void pause_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	if (ms > 0)
		nanosleep(&ts, NULL);
}

/* Appends the alerts @s raised ("+kind") and cleared ("-kind") to @buf. */
static void note_alerts(char *buf, size_t size, const struct thermostat_stage_decision *s)
{
	for (int a = 0; a < _THERMOSTAT_ALERT_MAX; a++) {
		size_t n = strlen(buf);

		if (s->alerts_raised & THERMOSTAT_ALERT_BIT(a))
			snprintf(buf + n, size - n, "%s+%s", n ? " " : "",
				 thermostat_alert_to_string((enum thermostat_alert) a));
		else if (s->alerts_cleared & THERMOSTAT_ALERT_BIT(a))
			snprintf(buf + n, size - n, "%s-%s", n ? " " : "",
				 thermostat_alert_to_string((enum thermostat_alert) a));
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "trace", required_argument, NULL, 't' },
		{ "night", required_argument, NULL, 'n' },
		{ "delay-ms", required_argument, NULL, 'd' },
		{ 0 },
	};
	const char *trace = "minneapolis";
	struct bench_ctl ctl = { 0 };
	struct sim_room_params rp;
	struct sim_room *room = NULL;
	struct sim_weather *w = NULL;
	double below_min = 0, lowest = INFINITY, kwh0 = 0;
	unsigned line, ons0 = 0, ons;
	long night = 3, delay_ms = 0;
	enum thermostat_reason reason = THERMOSTAT_REASON_NO_FLOOR;
	char alerts[256] = ""; /* raised or cleared since the last row shown */
	char path[512];
	int c, r;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 't')
			trace = optarg;
		else if (c == 'n')
			night = strtol(optarg, NULL, 10);
		else if (c == 'd')
			delay_ms = strtol(optarg, NULL, 10);
		else
			return 64;
	}
	if (night < 1 || night > 25 || delay_ms < 0 || delay_ms > 10000) {
		fprintf(stderr, "bench-night: --night 1..25, --delay-ms 0..10000\n");
		return 64;
	}
	snprintf(path, sizeof(path), "%s/weather_%s.csv", BENCH_DATA_DIR, trace);
	r = sim_weather_load(path, &w, &line);
	if (r < 0) {
		fprintf(stderr, "bench-night: %s:%u: %s\n", path, line, strerror(-r));
		return 66;
	}
	if (sim_room_params_init(&rp, SIM_ROOM_VARIANT_OLDER) < 0 || sim_room_new(&rp, &room) < 0 ||
	    bench_ctl_init(&ctl, FLOOR_C, false) < 0) {
		fprintf(stderr, "bench-night: cannot set up the simulation\n");
		return 70;
	}
	/* Said before the table: a reader of the demo otherwise wonders why "night 3". */
	if (night == 1)
		printf(
		    "Night 1, from the defaults: the controller has learned nothing of the room\n"
		    "yet (it needs up to three nights).\n");
	else if (night == 2)
		printf(
		    "Night 1 runs unseen first, from the defaults, so the controller has learned\n"
		    "the room (it needs up to three nights); then night 2.\n");
	else
		printf(
		    "Nights 1 to %ld run unseen first, from the defaults, so the controller has\n"
		    "learned the room (it needs up to three nights); then night %ld.\n",
		    night - 1, night);
	printf("A row every 15 simulated minutes. decision: preheat (warming the room ahead of\n"
	       "22:00), heating (holding the floor: the heater is switched on and off as the plan\n"
	       "needs), idle (the heat already given carries the air above the floor), min_on /\n"
	       "min_off (a relay resting), no_floor (daytime).\n");
	printf("%-14s %7s %8s %8s %5s %6s  %-9s %s\n", "time", "outdoor", "true air", "measured",
	       "floor", "heater", "decision", "alerts");
	/* Up to 08:00 of day N, the last row shown: the summary's energy and switch-ons are
	 * of 20:00 to 08:00, not of the rest of day N (the next evening's pre-heat). */
	for (long k = 0; k < (night * DAY_S + 8 * 3600) / (long) DT_S; k++) {
		double t_s = (double) k * DT_S, sensor_c = NAN;
		uint64_t now = (uint64_t) k * (uint64_t) (DT_S * 1e6);
		unsigned sec = (unsigned) ((long) t_s % DAY_S);
		long day = (long) t_s / DAY_S;
		bool shown =
		    (day == night - 1 && sec >= 20 * 3600) || (day == night && sec < 8 * 3600);
		double out_c = sim_weather_outdoor_c(w, t_s);
		bool reading = (long) t_s % READING_S == 0;

		if (reading)
			sensor_c = sim_room_sensor_c(room);
		if (bench_ctl_step(&ctl, now, sec, reading, sensor_c, out_c) > 0) {
			reason = ctl.last.stage[0].reason;
			note_alerts(alerts, sizeof(alerts), &ctl.last.stage[0]);
		}
		if (day == night - 1 && sec == 20 * 3600) {
			kwh0 = sim_room_energy_j(room) / 3.6e6;
			ons0 = sim_room_switch_ons(room, 0);
		}
		sim_room_step(room, ctl.on, out_c, DT_S);
		if (shown && (sec >= 22 * 3600 || sec < 7 * 3600)) {
			double air = sim_room_true_air_c(room);

			below_min += air < FLOOR_C ? DT_S / 60 : 0;
			lowest = fmin(lowest, air);
		}
		if (shown && sec % 900 == 0) {
			bool floor_on = sec >= 22 * 3600 || sec < 7 * 3600 ||
					reason == THERMOSTAT_REASON_PREHEAT;

			printf("night %ld %02u:%02u %7.1f %8.2f %8.2f %5s %6s  %-9s %s\n", night,
			       sec / 3600, sec / 60 % 60, out_c, sim_room_true_air_c(room),
			       ctl.room_c, floor_on ? "18.0" : "-",
			       sim_room_relay_on(room, 0) ? "on" : "off",
			       thermostat_reason_to_string(reason), alerts);
			alerts[0] = '\0';
			fflush(stdout);
			pause_ms(delay_ms);
		}
	}
	ons = sim_room_switch_ons(room, 0) - ons0;
	printf("22:00-07:00: lowest true air %.2f °C, %.0f minutes below %.0f °C; "
	       "the heater switched on %u time%s, %.1f kWh from 20:00 to 08:00\n",
	       lowest, below_min, FLOOR_C, ons, ons == 1 ? "" : "s",
	       sim_room_energy_j(room) / 3.6e6 - kwh0);
	bench_ctl_done(&ctl);
	sim_room_free(room);
	sim_weather_free(w);
	return 0;
}
