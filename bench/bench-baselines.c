/*
 * The baseline thermostats of bench-thermostat.
 *
 * Tasmota (tasmota/tasmota_xdrv_driver/xdrv_39_thermostat.ino, PI mode, the
 * defaults of my_user_config.h): a 30 min cycle whose on-time is a proportional
 * part (4 K proportional band) plus an integral part (reset time 12000 s,
 * integrator only within 0.8 K of the target, its sum shrunk by 20 % per cycle
 * while the temperature rises), at least 4 and at most 20 min, off within 0.1 K
 * of the target while rising. A new cycle starts early when the temperature falls
 * below the target with no on-time left in the current cycle. Temperatures in
 * tenths of °C and errors in hundredths, in integers, as in the driver.
 */
#include <math.h>
#include <stdlib.h>

#include "bench/bench-baselines.h"

#define TAS_CYCLE_S       1800  /* THERMOSTAT_TIME_PI_CYCLE 30 min */
#define TAS_MAX_ACTION_S  1200  /* THERMOSTAT_TIME_MAX_ACTION 20 min */
#define TAS_MIN_ACTION_S  240   /* THERMOSTAT_TIME_MIN_ACTION 4 min */
#define TAS_MIN_TURNOFF_S 180   /* THERMOSTAT_TIME_MIN_TURNOFF_ACTION 3 min */
#define TAS_PROP_BAND_K   4     /* THERMOSTAT_PROP_BAND */
#define TAS_RESET_S       12000 /* THERMOSTAT_TIME_RESET */
#define TAS_ANTI_WINDUP   8     /* tenths: THERMOSTAT_TEMP_RESET_ANTI_WINDUP */
#define TAS_HYSTERESIS    1     /* tenths: THERMOSTAT_TEMP_HYSTERESIS */

void baseline_init(struct baseline *b, enum baseline_kind kind, double target_c)
{
	*b = (struct baseline){ .kind = kind, .target_c = target_c, .changed_s = -1e9 };
}

static void set_on(struct baseline *b, double t_s, bool on)
{
	if (on == b->on)
		return;
	b->on = on;
	b->changed_s = t_s;
}

static void tasmota_calculate(struct baseline *b, double t_s)
{
	int target_dc = (int) lround(b->target_c * 10);
	int err = (target_dc - b->meas_dc) * 10; /* hundredths */
	int kp = 100 / TAS_PROP_BAND_K;
	int ki = kp * (TAS_CYCLE_S / 60) * 6000 / TAS_RESET_S;
	long prop = (long) err * kp * TAS_CYCLE_S / 10000, integral = 0, total;

	if (prop > 0 && prop < TAS_MIN_ACTION_S)
		prop = TAS_MIN_ACTION_S;
	prop = prop < 0 ? 0 : prop > TAS_CYCLE_S ? TAS_CYCLE_S : prop;
	if (abs(err / 10) > TAS_ANTI_WINDUP) {
		b->accum_err = 0;
	} else {
		long acc = (long) b->accum_err + err;

		b->accum_err = (int) (acc > 32767 ? 32767 : acc < -32768 ? -32768 : acc);
		if ((err >= 0 && abs(err / 10) <= TAS_HYSTERESIS && b->gradient > 0) ||
		    (err < 0 && b->gradient > 0))
			b->accum_err = (int) (b->accum_err * 0.8);
		if (b->accum_err < 0)
			b->accum_err = 0;
		integral = (long) b->accum_err * ki * TAS_CYCLE_S / 1000000;
		if (integral > TAS_CYCLE_S)
			integral = TAS_CYCLE_S;
	}
	total = prop + integral;
	total = total < 0 ? 0 : total > TAS_CYCLE_S ? TAS_CYCLE_S : total;
	if (err <= 0) {
		if (abs(err / 10) > TAS_HYSTERESIS || b->gradient >= 0)
			total = 0;
	} else if (abs(err / 10) <= TAS_HYSTERESIS && b->gradient > 0) {
		total = 0;
	}
	if (total != 0 && total <= TAS_MIN_ACTION_S)
		total = TAS_MIN_ACTION_S;
	else if (total > TAS_MAX_ACTION_S)
		total = TAS_MAX_ACTION_S;
	else if (total > TAS_CYCLE_S - TAS_MIN_TURNOFF_S)
		total = TAS_CYCLE_S;
	b->changepoint_s = t_s + (double) total;
	b->checkpoint_s = t_s + TAS_CYCLE_S;
}

void baseline_tick(struct baseline *b, double t_s, bool active)
{
	int target_dc = (int) lround(b->target_c * 10);

	if (b->kind != BASELINE_KIND_TASMOTA)
		return;
	if (!active || !b->have_meas) {
		set_on(b, t_s, false);
		b->checkpoint_s = t_s; /* recalculates as soon as it is active */
		return;
	}
	if (t_s >= b->checkpoint_s ||
	    (b->meas_dc < target_dc && b->gradient < 0 && !b->cycle_active)) {
		tasmota_calculate(b, t_s);
		b->cycle_active = false;
	}
	if (t_s < b->changepoint_s) {
		b->cycle_active = true;
		set_on(b, t_s, true);
	} else {
		set_on(b, t_s, false);
	}
}

void baseline_reading(struct baseline *b, double t_s, double sensor_c, bool active)
{
	bool want = b->on;

	switch (b->kind) {
	case BASELINE_KIND_HA:
		if (b->on && sensor_c >= b->target_c + 0.3)
			want = false;
		else if (!b->on && sensor_c <= b->target_c - 0.3)
			want = true;
		break;
	case BASELINE_KIND_ESPHOME:
		if (sensor_c < b->target_c - 0.5)
			want = true;
		else if (sensor_c > b->target_c + 0.5)
			want = false;
		if (want && !b->on && t_s - b->changed_s < 300)
			want = false;
		if (!want && b->on && t_s - b->changed_s < 300)
			want = true;
		break;
	case BASELINE_KIND_TASMOTA: {
		int dc = (int) lround(sensor_c * 10);

		if (b->have_meas && dc != b->meas_dc)
			b->gradient = dc > b->meas_dc ? 1 : -1;
		b->meas_dc = dc;
		b->have_meas = true;
		baseline_tick(b, t_s, active);
		return;
	}
	}
	set_on(b, t_s, active && want);
}
