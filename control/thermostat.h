#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The thermostat: keeps the TRUE room air at or above a floor with one or more
 * staged heaters, pre-heats so the night floor already holds when the night
 * window opens, cares for the relays and fails safe.
 *
 * Pure: thermostat_step() takes the state, the inputs, the monotonic time and
 * the local wall-clock second of the day (the caller computes it with
 * localtime_r) and returns a decision. It reads no clock, does no I/O, logs
 * nothing and holds no globals. It learns the room and its heater (a model kept
 * and restored with thermostat_model_get/set); how is explained in thermostat.c
 * and docs/benchmarks.md.
 */

#define THERMOSTAT_STAGES_MAX 4

enum thermostat_mode {
	THERMOSTAT_MODE_OFF,
	THERMOSTAT_MODE_HEAT,
};

enum thermostat_bed {
	THERMOSTAT_BED_UNKNOWN, /* no bed sensor configured */
	THERMOSTAT_BED_EMPTY,
	THERMOSTAT_BED_OCCUPIED,
};

/* What the plug last reported about its relay. */
enum thermostat_confirm {
	THERMOSTAT_CONFIRM_UNKNOWN,
	THERMOSTAT_CONFIRM_OFF,
	THERMOSTAT_CONFIRM_ON,
};

enum thermostat_reason {
	THERMOSTAT_REASON_MODE_OFF,         /* mode is off */
	THERMOSTAT_REASON_NO_FLOOR,         /* outside the night window, no day floor */
	THERMOSTAT_REASON_IDLE,             /* warm enough */
	THERMOSTAT_REASON_HEATING,          /* holding the floor */
	THERMOSTAT_REASON_PREHEAT,          /* heating early for the night window */
	THERMOSTAT_REASON_MIN_ON,           /* would be off, held on by the minimum on-time */
	THERMOSTAT_REASON_MIN_OFF,          /* would be on, held off by the minimum off-time */
	THERMOSTAT_REASON_SENSOR_STALE,     /* no valid reading: off */
	THERMOSTAT_REASON_NO_READING_YET,   /* none since start, not stale yet: off */
	THERMOSTAT_REASON_FALLBACK_DUTY,    /* no valid reading: bounded fallback duty cycle */
	THERMOSTAT_REASON_OVER_TEMPERATURE, /* cut-off */
	THERMOSTAT_REASON_MAX_ON_TIME,      /* resting after the maximum continuous on-time */
	THERMOSTAT_REASON_NO_EFFECT,        /* backing off after heating had no effect */
};

enum thermostat_alert {
	THERMOSTAT_ALERT_SENSOR_STALE,      /* room temperature unknown or stale */
	THERMOSTAT_ALERT_OVER_TEMPERATURE,  /* room at or above the cut-off */
	THERMOSTAT_ALERT_HEATING_NO_EFFECT, /* per stage: on, and the room did not warm */
	THERMOSTAT_ALERT_MAX_ON_TIME,       /* per stage: on longer than allowed */
	_THERMOSTAT_ALERT_MAX,
};

#define THERMOSTAT_ALERT_BIT(a) (1u << (unsigned) (a))

/* Tuning and safety limits; thermostat_params_init() fills in the defaults shown. */
struct thermostat_params {
	unsigned n_stages;                   /* heaters, staged in index order: 1 */
	uint64_t min_on_usec;                /* relay care: 120 s */
	uint64_t min_off_usec;               /* relay care: 180 s */
	uint64_t bed_min_on_usec;            /* in bed at night: 300 s (min_on if longer) */
	uint64_t bed_min_off_usec;           /* in bed at night: 600 s (min_off if longer) */
	double bed_band_factor;              /* wider band (fewer clicks) in bed: 1.3 */
	uint64_t max_on_usec;                /* maximum continuous on-time per stage: 6 h */
	uint64_t max_on_rest_usec;           /* forced rest after it: 15 min */
	double overheat_c;                   /* cut-off: 26.0 */
	double overheat_hysteresis_c;        /* cleared below cut-off minus this: 1.0 */
	uint64_t stale_usec;                 /* reading older than this is stale: 300 s */
	uint64_t first_reading_usec;         /* no reading this long after the start or a
					      * thermometer change: stale, if sooner: 10 min */
	double fallback_duty;                /* duty cycle while stale, 0..0.5: 0 (off) */
	uint64_t fallback_period_usec;       /* its period: 30 min */
	uint64_t no_effect_usec;             /* on this long without warming: 45 min */
	double no_effect_rise_c;             /* "warming" means rising by this: 0.3 */
	double no_effect_power_w;            /* confirmed on but power below this: 20 W */
	uint64_t no_effect_power_usec;       /* for this long: 120 s */
	uint64_t no_effect_backoff_usec;     /* first back-off: 30 min, doubling */
	uint64_t no_effect_backoff_max_usec; /* up to: 4 h */
	uint64_t sensor_lag_usec;            /* sensor time constant: 120 s */
	uint64_t reading_period_usec;        /* expected reading interval: 60 s */
	double margin_c;                     /* aim for troughs this far above the floor: 0.08 */
	double band_c;                       /* initial switching band (learned): 1.0 */
	uint64_t cycle_usec;                 /* target cycle at 50 % duty (learned band): 18.5 min;
					      * longer at other duties, see thermostat-floor.c */
	uint64_t stage_delay_usec;           /* next stage joins after: 15 min */
	uint64_t preheat_max_usec;           /* pre-heat at most this early: 4 h */
	double preheat_usec_per_k;           /* initial pre-heat lead per K the walls are short
					      * (beyond what the heater lifts the air): 20 min */
	double unlearned_margin_c;           /* the fallback band sits this much higher while the
					      * room model is not yet sure: 0.3 */
};

void thermostat_params_init(struct thermostat_params *p);

struct thermostat_heater_input {
	enum thermostat_confirm confirmed; /* UNKNOWN: no confirmation available */
	bool power_known;                  /* the plug reports power */
	double power_w;
	/*
	 * The plug says it is offline, or does not confirm commands: its stage is
	 * still told what it would be, but does not count, and the next stage takes
	 * its place at once (a cold room cannot wait stage_delay for a dead plug).
	 */
	bool unavailable;
};

struct thermostat_input {
	enum thermostat_mode mode; /* HEAT */
	double floor_c;            /* night floor: 18.0 */
	bool day_floor_enabled;    /* false: no floor outside the night window */
	double day_floor_c;        /* 16.0 */
	unsigned night_start_min;  /* minutes after local midnight: 22:00 */
	unsigned night_end_min;    /* 07:00; start > end crosses midnight */
	bool room_known;           /* false: no reading at all */
	double room_c;             /* measured (sensor) room temperature */
	uint64_t room_usec;        /* CLOCK_MONOTONIC time of that reading */
	bool outdoor_known;
	double outdoor_c;
	/*
	 * A reading the sensor's jump check holds back (NAN: none): not the room's
	 * temperature, but at or over overheat it trips the cut-off all the same.
	 */
	double jump_held_c;
	enum thermostat_bed bed;
	struct thermostat_heater_input heater[THERMOSTAT_STAGES_MAX];
};

/* Fills in the defaults shown above; no reading yet. */
void thermostat_input_init(struct thermostat_input *in);

struct thermostat_stage_decision {
	bool on;
	enum thermostat_reason reason;
	unsigned alerts_raised;  /* THERMOSTAT_ALERT_BIT()s newly raised by this step */
	unsigned alerts_cleared; /* newly cleared */
	unsigned alerts_active;
};

struct thermostat_decision {
	unsigned n_stages;
	bool model_changed; /* the room clearly changed (a new heater?): what was learned is
			     * discarded and learning starts again; log it, drop the stored model */
	struct thermostat_stage_decision stage[THERMOSTAT_STAGES_MAX];
	enum thermostat_reason reason; /* the thermostat as a whole */
	double floor_c;                /* floor in force now (NAN: none) */
	double estimate_c;             /* estimated true air (NAN: unknown) */
	uint64_t next_wakeup_usec;     /* call thermostat_step() again by then at the latest */
	unsigned alerts_raised;        /* room-wide alerts, as in the stage decision */
	unsigned alerts_cleared;
	unsigned alerts_active;
};

/* What the thermostat has learned, for status pages and the benchmark. */
struct thermostat_learned {
	double band_c;             /* switching band above the on-point (the fallback band) */
	double on_offset_c;        /* on-point above the floor, on the estimated air (fallback) */
	double preheat_usec_per_k; /* pre-heat lead per K the walls are short, at no load */
	double duty;               /* measured heater duty cycle, 0..1 */
	double max_rise_k;         /* indoor-outdoor difference one stage holds (NAN: unknown) */
	/* the room model (NAN while nothing is fitted) */
	double heater_gain_k_per_h; /* how fast one heater warms the air, at full output */
	double heater_lag_s;        /* its output lag (an oil radiator: 10-20 min) */
	double sensor_lag_s;
	double room_tau_s;  /* the air's time constant towards walls and outdoor */
	double walls_tau_s; /* the walls' (stored heat) */
	double sure;        /* how sure the model is, 0..1; the model drives from 0.5 */
	bool model_in_use;  /* the decisions come from the model (else the fallback band) */
	bool on_trial;      /* restored or caught wanting heat far above the aim: the band decides
			       until it explains the last hours again (thermostat-learn.c) */
	double margin_c;    /* the margin above the floor the model aims at now */
};

/*
 * What was learned about the room, to keep (the daemon's store) and restore
 * after a restart or reload. A plain struct; THERMOSTAT_MODEL_VERSION changes
 * whenever its meaning does, and a model of another version is refused.
 */
#define THERMOSTAT_MODEL_VERSION 1

struct thermostat_model {
	unsigned version;
	double gain_k_per_h; /* air warming rate of one heater at full output */
	double lag_long_s;   /* the pair of lags between command and reading ... */
	double lag_short_s;  /* ... (heater and sensor; which is which cannot be seen) */
	double out_per_h;    /* air to outdoor, 1/h */
	/* the walls, as two parts of time constants walls_tau_s[0] <= [1]: */
	double walls_per_h[2]; /* air to that part, 1/h */
	double walls_share[2]; /* how much of its temperature follows the room, 0..1 */
	double walls_tau_s[2];
	double offset_k_per_h; /* constant heat (people, a sensor offset), K/h */
	double sure;           /* 0..1 */
	double margin_c;       /* learned extra margin of the troughs */
};

struct thermostat;

/*
 * Creates a thermostat with all stages off. @p is copied. Returns 0, or
 * -EINVAL for out-of-range parameters, -ENOMEM.
 */
int thermostat_new(const struct thermostat_params *p, struct thermostat **ret);

/* Frees @t; accepts NULL; returns NULL. */
struct thermostat *thermostat_free(struct thermostat *t);

/*
 * One control step. @now_usec is CLOCK_MONOTONIC in microseconds and must not go
 * backwards; @local_sec_of_day is the local wall-clock second since midnight
 * (0..86399), used only for the night window and the pre-heat. Call it on every
 * new reading and by the returned next_wakeup_usec at the latest.
 *
 * Returns 0 and fills @ret, or -EINVAL (time going backwards, second of the day
 * or night window out of range), leaving @ret untouched: the caller then switches
 * every heater off.
 */
int thermostat_step(struct thermostat *t, const struct thermostat_input *in, uint64_t now_usec,
		    unsigned local_sec_of_day, struct thermostat_decision *ret);

/*
 * The thermometers feeding the thermostat changed at @now_usec (a reload): as
 * at start, the new ones have no reading yet. Until their first fresh one the
 * reason is no_reading_yet, and the sensor_stale alert (and a fallback duty
 * cycle) wait stale_usec from @now_usec, unless the alert is already raised,
 * which then holds. What was learned, the relays' states and timers and every
 * other fail-safe are kept. A @now_usec before the last step counts as then.
 */
void thermostat_sensor_changed(struct thermostat *t, uint64_t now_usec);

/*
 * What the relay of stage @i was last told before this thermostat was made (kept
 * in the daemon's store across a restart, or a reload that makes the thermostat
 * anew): on (@was_on) or off, @ago_usec before @now_usec (CLOCK_MONOTONIC). The
 * stage starts off either way, and min_off (bed_min_off in bed) counts from
 * when its relay went off: @now_usec for one that was on (the caller switches it
 * off at start: min_on does not hold a relay on through a start, as it does not
 * on a stale sensor), the time it was told off for one that was off. Call it
 * before the stage switches for the first time.
 *
 * Returns 1 when min_off holds the stage off until *@ret_until_usec (may be
 * NULL), 0 when it no longer holds; -EINVAL for a stage that does not exist,
 * -EALREADY when the stage has switched already (it keeps its own times).
 */
int thermostat_relay_restore(struct thermostat *t, unsigned i, bool was_on, uint64_t ago_usec,
			     uint64_t now_usec, uint64_t *ret_until_usec);

/*
 * A relay that is on and stays on through a new thermostat: a reload that keeps
 * the heater (its plug, its state) but makes the thermostat anew, as adding a
 * second heater does. Stage @i starts on since @on_usec (CLOCK_MONOTONIC, not
 * after @now_usec): min_on and max_on count from then, no_effect from @now_usec
 * (what it warmed before is not known). The floor controller wants it on (its
 * demand covers stage @i, so stages before it may go on too), and the next
 * steps decide as ever: it goes off when the room is warm enough, min_on
 * served, as if this thermostat had switched it on.
 * Returns 0; -EINVAL for a stage that does not exist, -EALREADY when it has
 * switched already.
 */
int thermostat_relay_keep_on(struct thermostat *t, unsigned i, uint64_t on_usec, uint64_t now_usec);

/*
 * What a stage's fail-safes hold, for a thermostat a reload makes anew: a rest
 * (after max_on, or after heating without effect, with the back-off's count),
 * the stage's alerts, and whether the heater, on, has shown it works. Without
 * it the new thermostat would switch a heater that rests for "no effect"
 * (tipped over, a window open) straight on again, never clear the old one's
 * alerts, and take a heater idle under its own thermostat (0 W) for one off at
 * its own switch: rested, and an alert, for a reload.
 */
struct thermostat_rest {
	uint64_t until_usec; /* CLOCK_MONOTONIC; 0 or past: no rest */
	enum thermostat_reason reason;
	unsigned no_effect_count;
	unsigned alerts; /* THERMOSTAT_ALERT_BIT()s raised for the stage */
	bool worked;     /* on, and drew power or warmed the room since it went on */
};

/*
 * Copies out stage @i's rest, alerts and whether it worked. Returns 1 when it
 * has any of them, 0 when it has none (@ret zeroed), -EINVAL for a stage that
 * does not exist.
 */
int thermostat_relay_get_rest(const struct thermostat *t, unsigned i, uint64_t now_usec,
			      struct thermostat_rest *ret);

/*
 * Stage @i takes @rest from the thermostat before it: the rest holds it off
 * until then, and its alerts are cleared as they would have been (the first
 * effect seen, a switch-off after max_on), not raised again. A heater that
 * worked and is kept on (thermostat_relay_keep_on(), after this) is idle, not
 * broken, when it draws nothing. Returns 0, or -EINVAL for a stage that does
 * not exist.
 */
int thermostat_relay_keep_rest(struct thermostat *t, unsigned i,
			       const struct thermostat_rest *rest);

/*
 * The room-wide alerts raised (THERMOSTAT_ALERT_BIT()s: over_temperature,
 * sensor_stale), and a new thermostat taking them from the one before it (a
 * reload), so it clears them when they end: within over_temperature's
 * hysteresis a fresh one would neither raise nor clear it.
 */
unsigned thermostat_alerts(const struct thermostat *t);
void thermostat_keep_alerts(struct thermostat *t, unsigned alerts);

/*
 * A new thermostat taking from the one before it (a reload) what the room
 * wanted of the heaters and the floor it held: a heater kept on after this
 * (thermostat_relay_keep_on()) that the old one wanted off (a floor turned
 * down while heating, min_on holding it on) goes off when it would have, not at
 * the top of a band it was never switched on for; a floor this reload turns
 * down ends the heating at the new on-point.
 */
void thermostat_keep_demand(struct thermostat *t, const struct thermostat *old);

void thermostat_get_learned(const struct thermostat *t, struct thermostat_learned *ret);

/*
 * Copies out what was learned about the room. Returns 0, or -ENODATA while
 * nothing is fitted yet, or nothing thermostat_model_set() would take back
 * (@ret untouched).
 */
int thermostat_model_get(const struct thermostat *t, struct thermostat_model *ret);

/*
 * Restores a model kept by thermostat_model_get(). It is validated (version,
 * every value finite and in a physical range) and refused with -EINVAL if bad,
 * leaving the thermostat as it was; -ESTALE for another version. On success it
 * is kept as sure as it was, on trial: the fallback band decides until the
 * next hours' readings bear it out, and it is dropped (model_changed) if they
 * do not (control/thermostat-learn.c).
 */
int thermostat_model_set(struct thermostat *t, const struct thermostat_model *m);

/*
 * Ends the trial of the model just set: for one handed on from a thermostat
 * of the same room that had been deciding on it (a reload that made it anew).
 */
void thermostat_model_trust(struct thermostat *t);

/*
 * The model as one line of text, to keep it (the daemon's store):
 * "thermostat-model 1 gain_k_per_h=40.1 lag_long_s=150 ...", every field of
 * struct thermostat_model by its name, the two walls' values as "a,b".
 * THERMOSTAT_MODEL_TEXT_MAX bounds it. Returns the length, or -ENOSPC.
 */
#define THERMOSTAT_MODEL_TEXT_MAX 512
int thermostat_model_format(const struct thermostat_model *m, char *buf, size_t size);

/*
 * Reads a line of thermostat_model_format() into @ret: -ESTALE for another
 * version, -EINVAL for anything else that is not exactly such a line (a field
 * missing, twice or unknown, a number that is not one); @ret untouched then.
 * Whether the values make sense is thermostat_model_set()'s to say.
 */
int thermostat_model_parse(const char *text, struct thermostat_model *ret);

/*
 * Whether @a and @b differ enough to keep @b in place of @a: what the decisions
 * rest on by more than 3 % (the heater's gain, its total lag, the air's rate
 * and loss, the walls' time constants), the constant heat by 0.1 K/h, how sure
 * by 0.05, the margin by 0.03 K; anything not a number differs. About two a
 * day once the room is learned (bench: 45 in 26 days, most in the first).
 */
bool thermostat_model_differs(const struct thermostat_model *a, const struct thermostat_model *b);

/* "sensor_stale", "over_temperature", "heating_no_effect", "max_on_time"; NULL if invalid. */
const char *thermostat_alert_to_string(enum thermostat_alert a);

/* "mode_off", "no_floor", "idle", "heating", "preheat", ...; NULL if invalid. */
const char *thermostat_reason_to_string(enum thermostat_reason r);

/* True if @sec_of_day lies in [@start_min, @end_min) minutes, crossing midnight if start > end. */
bool thermostat_in_window(unsigned sec_of_day, unsigned start_min, unsigned end_min);
