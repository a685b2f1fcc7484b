#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "control/thermostat-estimate.h"
#include "control/thermostat-ident.h"
#include "control/thermostat-plant.h"
#include "control/thermostat.h"

/*
 * Internal to the thermostat: its state, shared by thermostat.c (the step),
 * thermostat-floor.c (the fallback band and what it learns), thermostat-sparse.c
 * (the band's rates between readings minutes apart), thermostat-preheat.c
 * (its optimum start), thermostat-safety.c (per-stage fail-safes), and the room
 * model: thermostat-learn.c (learning, keep/restore), thermostat-plant.c (the
 * model, its observer and responses) and thermostat-plan.c (deciding on it).
 */

#define USEC_PER_SEC 1000000ULL
#define USEC_PER_MIN (60ULL * USEC_PER_SEC)

/*
 * Readings minutes apart: the first stage's last switches, and the room's rise
 * with it on and fall with it off (K/s), learned from the readings
 * (thermostat-sparse.c).
 */
#define THERMOSTAT_SPARSE_SWITCHES 8
struct thermostat_sparse {
	uint64_t switch_usec[THERMOSTAT_SPARSE_SWITCHES];
	bool switch_on[THERMOSTAT_SPARSE_SWITCHES];
	unsigned head, n_switches;
	double rise, fall;
	bool have_rise, have_fall;
	uint64_t rates_usec; /* the reading that last taught one */
};

/*
 * How far above the heater-off level of the room one heater holds the air with
 * about 30 % of its power left for cycling: 0.7 * P / (H_am + H_ao) in the 2R2C
 * bedroom, 0.7 * 1500 W / 130 W/K = 8 K in the older room, 8.5 K in the modern
 * one. The air-to-surface conductance H_am of a bedroom (about 50 m2 of walls,
 * ceiling and furniture) dominates, so it depends on the heater's power for the
 * room and little on the insulation. A room short of the floor by more than this
 * after a setback has cold walls, not just cold air.
 */
#define THERMOSTAT_LIFT_C 8.0

struct thermostat_stage {
	bool on;
	bool ever_switched;
	uint64_t changed_usec;
	double min_since_on_c;      /* lowest reading since switched on */
	bool effect_seen;           /* warmed since switched on */
	bool drew_power;            /* confirmed on and drawing power since switched on */
	uint64_t effect_since_usec; /* no_effect counts from here: the switch-on, or a reload */
	bool low_power;
	uint64_t low_power_since_usec;
	uint64_t lockout_until_usec;
	enum thermostat_reason lockout_reason;
	unsigned no_effect_count;
	unsigned alerts;
	/* The no-effect clock stands while the plug is unavailable (thermostat-safety.c). */
	bool held;
	uint64_t last_usec; /* of the last step while on */
};

struct thermostat {
	struct thermostat_params p;
	struct thermostat_estimate est;
	bool have_reading;
	uint64_t last_reading_usec;
	double last_reading_c;
	/*
	 * Readings further apart than the estimate spans, and close enough to tell
	 * a trend (an MQTT thermometer that reports every 5 or 10 minutes): the
	 * last interval and the slope across it (K/s), for the band's look-ahead
	 * (thermostat-floor.c); the interval 0 when they are not.
	 */
	uint64_t sparse_period_usec;
	double sparse_slope;
	struct thermostat_sparse sparse; /* the band's rates between them (thermostat-sparse.c) */
	bool started;
	bool had_fresh; /* a fresh reading since start or since the thermometer changed */
	uint64_t sensor_since_usec; /* start, or the last thermometer change: readings due */
	uint64_t last_now_usec;
	unsigned alerts;
	bool fallback_was; /* the last step ran the fallback duty cycle */
	bool have_mode;
	enum thermostat_mode last_mode; /* the last step's: off then heat ends no_effect rests */

	unsigned demand; /* stages the floor controller wants */
	uint64_t demand_since_usec;
	bool demand_kept; /* taken from the thermostat before (a reload): keep_on leaves it */
	bool floor_was_active;
	double last_floor_c; /* the floor the last step decided on; NAN: none */
	bool floor_lowered;  /* in this heating cycle: the fallback band ends it at the on-point */

	/* floor control (thermostat-floor.c) */
	double band_c;
	double on_offset_c;
	bool paused;                  /* the floor was active once and is not now */
	uint64_t paused_usec;         /* since when */
	uint64_t recovery_until_usec; /* walls still cold after a setback until then */
	double recovery_horizon;      /* switch-on look-ahead until then, in readings */
	bool have_last_on;
	uint64_t last_on_usec;
	uint64_t last_off_usec;
	double duty;       /* heater duty cycle, smoothed over cycles */
	double max_rise_k; /* learned: indoor-outdoor difference one stage holds */
	bool trough_watch;
	bool trough_won;
	uint64_t trough_until_usec;
	double trough_min_c;

	/* pre-heat (thermostat-preheat.c) */
	double preheat_usec_per_k;     /* learned: lead per K the walls are short */
	double preheat_air_usec_per_k; /* learned: lead per K the air is short */
	bool preheat;
	bool preheat_used;
	bool preheat_walls;        /* the lead had a wall-warming part */
	uint64_t preheat_end_usec; /* while pre-heating: when the night begins */
	bool was_night;
	bool judge;
	bool judge_walls; /* the verdict adjusts the walls' rate (else the air's) */
	bool judge_saturated;
	uint64_t judge_until_usec;
	double judge_min_c;

	struct thermostat_stage stage[THERMOSTAT_STAGES_MAX];

	/* the room model (thermostat-learn.c, thermostat-plant.c, thermostat-plan.c) */
	struct thermostat_ident ident;
	struct plant plant; /* in use; ok false: none yet */
	struct observer obs;
	struct plan_resp step; /* of the plant in use */
	struct plan_resp free; /* scratch */
	uint64_t next_fit_usec;
	uint64_t relearn_until_usec; /* after a change: the long fit forgets fast until then */
	double long_memory_s;
	double model_margin_c;    /* learned: how much deeper the troughs came than predicted */
	double model_margin_hi_c; /* learned: how much deeper the worse troughs came (a high
				     quantile), aimed at while the walls recover */
	double ref_cycle_s;       /* the cycle to aim for (a plain hysteresis's, on the model) */
	double cycle_gain;     /* learned: how much longer to plan the cycles than the reference */
	double cycle_target_s; /* the cycle aimed at when it last switched off (0: none) */
	double model_rise_c;   /* no-effect rise asked of stage 0 (0: no_effect_rise) */
	bool model_changed;    /* to report in this step's decision */
	bool model_trial;      /* the model decides once it explains the last hours: restored, or it
				  wanted heat far above the aim (thermostat-learn.c) */
	bool watch;            /* a model switch-on's trough is being watched */
	uint64_t watch_until_usec;
	double watch_pred_c, watch_min_c, watch_last_c;
};

double thermostat_clamp(double v, double lo, double hi);
uint64_t thermostat_min_u64(uint64_t a, uint64_t b);

/* Readings minutes apart (thermostat-sparse.c). At each step, before anything switches. */
void thermostat_sparse_note_switch(struct thermostat *t);
/* At a reading @now_c minutes after the one before (@prev_c): the rates. */
void thermostat_sparse_learn(struct thermostat *t, uint64_t prev_usec, double prev_c,
			     uint64_t now_usec, double now_c);
/*
 * Seconds the first stage was on in [@from_usec, @to_usec], from its last
 * switches (switches after the window included).
 */
double thermostat_sparse_on_seconds(const struct thermostat_sparse *sp, uint64_t from_usec,
				    uint64_t to_usec);
/* The air now on the rates since the last reading, and the fall; false if not known. */
bool thermostat_sparse_air(const struct thermostat *t, uint64_t now_usec, double *ret_c,
			   double *ret_fall);

/* Relay care: in bed at night the longer of the configured and the in-bed times. */
static inline uint64_t thermostat_min_on_usec(const struct thermostat *t, bool in_bed)
{
	return in_bed && t->p.bed_min_on_usec > t->p.min_on_usec ? t->p.bed_min_on_usec
								 : t->p.min_on_usec;
}

static inline uint64_t thermostat_min_off_usec(const struct thermostat *t, bool in_bed)
{
	return in_bed && t->p.bed_min_off_usec > t->p.min_off_usec ? t->p.bed_min_off_usec
								   : t->p.min_off_usec;
}

/*
 * The shortest time over which readings tell something about the room: a
 * quarter of the reading period. Over less, what they show is the sensor's step
 * or a sensor jumping, not the room: 0.1 K in half a second (a sensor that
 * reports twice in a second), taken as a trend, once put the room at 39 °C and
 * the heater off at 15; cycles of 90 ms (readings jumping across the band) once
 * taught the band to widen to 3 K. A trend spans at least this, and a shorter
 * cycle teaches nothing.
 */
static inline uint64_t thermostat_room_span_usec(const struct thermostat *t)
{
	return t->p.reading_period_usec / 4;
}

/*
 * Works out how many stages the floor wants from the estimated air @est_c and its
 * slope (K/s); learns the on-point, the band and the duty. @outdoor_c is NAN when
 * unknown.
 */
void thermostat_floor_control(struct thermostat *t, uint64_t now_usec, double floor_c, double est_c,
			      double slope, bool in_bed, double outdoor_c);

/* The floor stops holding (a setback, a stale sensor, mode off). */
void thermostat_floor_pause(struct thermostat *t, uint64_t now_usec);

/*
 * The floor holds again, the room @short_c below it (NAN: unknown): after a long
 * enough setback the walls are cold for a while.
 */
void thermostat_floor_resume(struct thermostat *t, uint64_t now_usec, double short_c);

/* Learns the on-point from the trough after each switch-on (on every step). */
void thermostat_learn_trough(struct thermostat *t, uint64_t now_usec, double floor_c,
			     bool fresh_reading);

/* Sets the pre-heat's initial rates. */
void thermostat_preheat_init(struct thermostat *t);

/*
 * How long before the night the pre-heat must start for a room at @room_c to hold
 * @floor_c when the night begins; @outdoor_c NAN when unknown. @ret_walls (may be
 * NULL) tells whether the lead has a wall-warming part.
 */
uint64_t thermostat_preheat_lead_usec(const struct thermostat *t, double floor_c, double room_c,
				      double outdoor_c, bool *ret_walls);

/* Starts judging the pre-heat when the night begins; @walls as from the lead. */
void thermostat_preheat_judge_start(struct thermostat *t, uint64_t now_usec, bool walls);

/* Judges the pre-heat over the first hours of the night; learns from it. */
void thermostat_learn_preheat(struct thermostat *t, uint64_t now_usec, double floor_c,
			      double est_c);

void thermostat_set_alert(unsigned *alerts, enum thermostat_alert a, bool on);

/* Sets up the model's state (thermostat-learn.c). */
void thermostat_learn_init(struct thermostat *t);

/*
 * Feeds the identification and the observer up to @now_usec: a fresh reading
 * (@fresh_reading) taken at in->room_usec; @learn false while a heater is
 * locked out or unconfirmed. Fits now and then; may set t->model_changed.
 */
void thermostat_learn_step(struct thermostat *t, const struct thermostat_input *in,
			   uint64_t now_usec, bool fresh_reading, bool learn);

/* The heaters' command changed to @u heaters on at @now_usec. */
void thermostat_learn_input(struct thermostat *t, uint64_t now_usec, double u);

/*
 * One trough's error @err_c (how much deeper the reading's trough came than
 * predicted, K) into the margins: @mean_c their mean, @hi_c a high quantile
 * (it moves up four times faster than down); both within [0, 0.5].
 */
void thermostat_margin_learn(double err_c, double *mean_c, double *hi_c);

/* The model is sure enough to decide. */
bool thermostat_model_ready(const struct thermostat *t);

/*
 * The floor the model aims at: @floor_c and the margins; @recovery: while the
 * walls recover from a setback (and in the pre-heat that ends one), the worse
 * troughs' margin.
 */
double thermostat_model_floor(const struct thermostat *t, double floor_c, bool recovery);

/* Decides the first stage on the model (thermostat-plan.c), as thermostat_floor_control(). */
void thermostat_plan_control(struct thermostat *t, uint64_t now_usec, double floor_c, bool in_bed);

/* Pre-heat on the model: true if heating must start now to hold @floor_c in @until_usec. */
bool thermostat_plan_preheat(struct thermostat *t, uint64_t until_usec, double floor_c);

/* Safety per stage while on: maximum on-time and heating without effect. */
void thermostat_stage_safety(struct thermostat *t, unsigned i,
			     const struct thermostat_heater_input *h, uint64_t now_usec,
			     double reading_c);

void thermostat_stage_switch(struct thermostat_stage *s, bool on, uint64_t now_usec,
			     double reading_c);

/*
 * The rest after max_on is over at @now_usec (the step asks to be woken at its
 * end): its alert is cleared, whatever the stage does next.
 */
void thermostat_stage_rest_over(struct thermostat_stage *s, uint64_t now_usec);
