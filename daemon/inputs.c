#include "daemon/inputs-internal.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/cramp-defaults.h"
#include "daemon/clock.h"
#include "daemon/event-source.h"
#include "daemon/log.h"

/* How often a falling movement_per_min is looked at. */
#define MOVEMENT_TICK_USEC (30 * 1000000ULL)

static void inputs_changed(struct inputs *in)
{
	if (in->cb->changed)
		in->cb->changed(in->userdata);
}

uint64_t inputs_to_realtime(uint64_t monotonic_usec)
{
	uint64_t mono = clock_monotonic_usec(), real = clock_realtime_usec();
	uint64_t ago = mono > monotonic_usec ? mono - monotonic_usec : 0;

	return real > ago ? real - ago : real;
}

static enum bed_leg leg_of(enum config_leg leg)
{
	switch (leg) {
	case CONFIG_LEG_LEFT:
		return BED_LEG_LEFT;
	case CONFIG_LEG_RIGHT:
		return BED_LEG_RIGHT;
	case CONFIG_LEG_UNKNOWN:
		break;
	}
	return BED_LEG_UNKNOWN;
}

static const char *role_name(enum config_input_role role)
{
	switch (role) {
	case CONFIG_INPUT_ROLE_OCCUPANCY:
		return "occupancy";
	case CONFIG_INPUT_ROLE_MOVEMENT:
		return "movement";
	case CONFIG_INPUT_ROLE_CRAMP_BUTTON:
		return "cramp_button";
	}
	return "unknown";
}

static void apply_occupancy(struct input *i, struct bed_occupancy_result r)
{
	if (r.changed) {
		if (r.state == BED_OCCUPANCY_STATE_IN)
			log_info("%s: in bed", i->source);
		else if (r.state == BED_OCCUPANCY_STATE_OUT)
			log_info("%s: out of bed", i->source);
		input_track_in_bed_since(i, &r);
		inputs_changed(i->inputs);
	}
	if (r.wake_usec == BED_OCCUPANCY_NEVER) {
		(void) sd_event_source_set_enabled(i->occupancy_timer, SD_EVENT_OFF);
		return;
	}
	(void) sd_event_source_set_time(i->occupancy_timer, r.wake_usec);
	(void) sd_event_source_set_enabled(i->occupancy_timer, SD_EVENT_ONESHOT);
}

static void report_cramp(struct input *i, uint64_t at_usec)
{
	const struct inputs_cramp cramp = {
		.leg = i->cfg->leg,
		.source = "button",
		.input = i->cfg->name,
		.realtime_usec = inputs_to_realtime(at_usec),
		.monotonic_usec = at_usec,
	};

	log_info("%s: cramp (%s leg)", i->source, bed_leg_to_string(leg_of(i->cfg->leg)));
	if (i->inputs->cb->cramp)
		i->inputs->cb->cramp(&cramp, i->inputs->userdata);
}

/* Presses that keep coming, window after window: said once, as a contact to look at. */
static void say_faulty(struct input *i)
{
	uint64_t over_usec = 0;
	unsigned n = bed_cramp_presses(&i->inputs->cramp, leg_of(i->cfg->leg), &over_usec);

	log_warning("%s pressed %u times in %llu min: a loose or damp contact? counted as one "
		    "cramp; check the button and its cable",
		    i->source, n, (unsigned long long) ((over_usec + 30000000ULL) / 60000000ULL));
}

/* A movement at @at_usec: does it complete the pattern of a cramp waking the sleeper? */
static void suspect_cramp(struct input *i, uint64_t at_usec)
{
	struct inputs *in = i->inputs;
	uint64_t since = 0, now = inputs_to_realtime(at_usec);
	int in_bed = inputs_in_bed(in, &since);
	const struct inputs_cramp cramp = {
		.leg = CONFIG_LEG_UNKNOWN,
		.source = "movement",
		.suspected = true,
		.input = i->cfg->name,
		.realtime_usec = now,
		.monotonic_usec = at_usec,
	};

	if (in_bed < 0)
		in_bed = -1; /* no occupancy input, or none has decided: movement alone decides */
	if (!in->suspect_enabled ||
	    !cramp_suspect_movement(&in->suspect, &in->suspect_params, at_usec, in_bed,
				    in_bed > 0 && now > since ? now - since : 0))
		return;
	log_info("%s: a burst of movement after calm: a suspected cramp", i->source);
	if (in->cb->cramp)
		in->cb->cramp(&cramp, in->userdata);
}

/*
 * The input is @active at @at_usec (CLOCK_MONOTONIC). @sync: a level read
 * rather than an edge (at start, after lost events): it is never a press or a
 * movement.
 */
static void input_level(struct input *i, bool active, uint64_t at_usec, bool sync)
{
	bool was = i->have_level && i->level;

	i->have_level = true;
	i->level = active;
	if (!sync)
		i->events++;
	switch (i->cfg->role) {
	case CONFIG_INPUT_ROLE_OCCUPANCY:
		apply_occupancy(
		    i, bed_occupancy_input(&i->occupancy, &i->occupancy_params, active, at_usec));
		break;
	case CONFIG_INPUT_ROLE_MOVEMENT:
		if (sync || !active || was)
			break;
		if (bed_movement_add(&i->inputs->movement, at_usec) < 0)
			log_debug("%s: a movement too old to count, ignoring", i->source);
		if (sd_event_source_get_enabled(i->inputs->movement_timer, NULL) == 0) {
			(void) sd_event_source_set_time_relative(i->inputs->movement_timer,
								 MOVEMENT_TICK_USEC);
			(void) sd_event_source_set_enabled(i->inputs->movement_timer, SD_EVENT_ON);
		}
		suspect_cramp(i, at_usec);
		break;
	case CONFIG_INPUT_ROLE_CRAMP_BUTTON:
		if (sync) {
			bed_button_level(&i->button, active, at_usec);
			break;
		}
		switch (bed_button_input(&i->button, &i->inputs->cramp, &i->cramp_params,
					 leg_of(i->cfg->leg), active, at_usec)) {
		case BED_PRESS_CRAMP:
			report_cramp(i, at_usec);
			break;
		case BED_PRESS_DUPLICATE:
			warn_limited(&i->repeats, "%s: pressed again within %llu s: the same cramp",
				     i->source, i->cfg->repeat_window_usec / 1000000ULL);
			break;
		case BED_PRESS_FAULTY:
			say_faulty(i);
			break;
		case BED_PRESS_NONE:
			break;
		}
		break;
	}
}

/* The input cannot be read any more (its chip went away). */
static void input_lost(struct input *i)
{
	i->have_level = false;
	bed_button_init(&i->button);
	if (i->cfg->role == CONFIG_INPUT_ROLE_OCCUPANCY)
		apply_occupancy(i, bed_occupancy_lost(&i->occupancy));
}

/* What an input that cannot be read loses, for the alert. */
static const char *input_loss(const struct input *i)
{
	switch (i->cfg->role) {
	case CONFIG_INPUT_ROLE_OCCUPANCY:
		return "whether someone is in bed is unknown";
	case CONFIG_INPUT_ROLE_MOVEMENT:
		return "movement is not counted";
	case CONFIG_INPUT_ROLE_CRAMP_BUTTON:
		return "a press of this cramp button is lost";
	}
	return "it is not read";
}

/* Its chip has not been open for INPUTS_FAILED_ALERT_USEC. */
static void input_failed(struct input *i, const char *why)
{
	char msg[400];

	if (!i->inputs->alerts)
		return;
	snprintf(msg, sizeof(msg), "The bed input '%s' cannot be read: %s. Until it is back, %s.",
		 i->cfg->name, why, input_loss(i));
	if (alerts_raise(i->inputs->alerts, ALERT_INPUT_FAILED, i->source, msg,
			 clock_realtime_usec()) > 0)
		log_warning("%s: not readable for %llu s: alert raised", i->source,
			    INPUTS_FAILED_ALERT_USEC / 1000000ULL);
}

/* Its chip is open (again). */
static void input_back(struct input *i)
{
	char msg[200];

	if (!i->inputs->alerts)
		return;
	snprintf(msg, sizeof(msg), "The bed input '%s' can be read again.", i->cfg->name);
	(void) alerts_clear(i->inputs->alerts, ALERT_INPUT_FAILED, i->source, msg,
			    clock_realtime_usec());
}

static const struct input_chip_callbacks chip_callbacks = {
	.level = input_level,
	.lost = input_lost,
	.failed = input_failed,
	.back = input_back,
	.changed = inputs_changed,
};

static int on_occupancy_timer(sd_event_source *es, uint64_t usec, void *userdata)
{
	struct input *i = userdata;

	apply_occupancy(
	    i, bed_occupancy_tick(&i->occupancy, &i->occupancy_params, clock_monotonic_usec()));
	return 0;
}

/*
 * While movements are counted, movement_per_min falls as they age: it is
 * looked at every MOVEMENT_TICK_USEC until it is 0. Then it stays 0 until the
 * next movement (which arms the timer again), so nothing wakes a still bed.
 */
static int on_movement_timer(sd_event_source *es, uint64_t usec, void *userdata)
{
	struct inputs *in = userdata;
	unsigned level = bed_movement_per_min(&in->movement, clock_monotonic_usec());

	if (level > 0)
		(void) sd_event_source_set_time_relative(es, MOVEMENT_TICK_USEC);
	else
		(void) sd_event_source_set_enabled(es, SD_EVENT_OFF);
	if (level != in->published_movement) {
		in->published_movement = level;
		inputs_changed(in);
	}
	return 0;
}

/* ---- set-up ---- */

static int input_init(struct inputs *in, struct input *i, const struct config_input *cfg)
{
	int r;

	i->inputs = in;
	i->cfg = cfg;
	snprintf(i->source, sizeof(i->source), "input.%s", cfg->name);
	bed_occupancy_init(&i->occupancy);
	i->occupancy_params =
	    (struct bed_occupancy_params){ .on_delay_usec = cfg->on_delay_usec,
					   .off_delay_usec = cfg->off_delay_usec };
	bed_button_init(&i->button);
	warn_limit_init_info(&i->repeats, in->event, "presses of a cramp button within its window");
	i->cramp_params =
	    (struct bed_cramp_params){ .repeat_window_usec = cfg->repeat_window_usec };
	i->payload = (struct bed_payload_params){ .payload_on = cfg->payload_on,
						  .payload_off = cfg->payload_off,
						  .json_key = cfg->json_key };
	if (cfg->role == CONFIG_INPUT_ROLE_MOVEMENT)
		in->have_movement = true;
	if (cfg->role == CONFIG_INPUT_ROLE_OCCUPANCY) {
		r = sd_event_add_time(in->event, &i->occupancy_timer, CLOCK_MONOTONIC, 0, 0,
				      on_occupancy_timer, i);
		if (r >= 0)
			r = event_source_describe(i->occupancy_timer, "input-%s-occupancy",
						  cfg->name);
		if (r < 0)
			return r;
		(void) sd_event_source_set_enabled(i->occupancy_timer, SD_EVENT_OFF);
	}
	if (cfg->type != CONFIG_INPUT_TYPE_GPIO)
		return 0;

	return input_chip_add(in, i, cfg->chip ? cfg->chip : "gpiochip0", &chip_callbacks);
}

int inputs_new(sd_event *event, const struct config *config, struct alerts *alerts,
	       const struct inputs_callbacks *cb, void *userdata, struct inputs **ret)
{
	size_t n;
	struct inputs *in;
	int r = -ENOMEM;

	assert(event);
	assert(config);
	assert(cb);
	assert(ret);
	n = config->n_inputs ? config->n_inputs : 1;
	in = calloc(1, sizeof(*in));
	if (!in)
		return -ENOMEM;
	in->event = sd_event_ref(event);
	in->config = config;
	in->alerts = alerts;
	in->cb = cb;
	in->userdata = userdata;
	bed_movement_init(&in->movement);
	bed_cramp_init(&in->cramp);
	in->suspect_enabled = config->cramps.suspect_from_movement;
	in->suspect_params = (struct cramp_suspect_params){
		.burst_movements = (unsigned) config->cramps.suspect_movements,
		.burst_window_usec = config->cramps.suspect_within_usec,
		.quiet_usec = config->cramps.suspect_after_quiet_usec,
		.min_in_bed_usec = config->cramps.suspect_min_in_bed_usec,
		.movement_gap_usec = CRAMP_DEFAULT_MOVEMENT_GAP_USEC,
	};
	cramp_suspect_init(&in->suspect, clock_monotonic_usec());
	if (in->suspect_enabled && !cramp_suspect_params_valid(&in->suspect_params)) {
		/* The config's bounds keep this from happening; never run a detector that cannot
		 * work. */
		log_error("[cramps] suspect_* keys do not fit together: not suspecting cramps");
		in->suspect_enabled = false;
	}
	in->inputs = calloc(n, sizeof(*in->inputs));
	in->chips = calloc(n, sizeof(*in->chips)); /* at most one per input */
	if (!in->inputs || !in->chips)
		goto out;
	for (; in->n_inputs < config->n_inputs; in->n_inputs++) {
		r = input_init(in, &in->inputs[in->n_inputs], &config->inputs[in->n_inputs]);
		if (r < 0) {
			in->n_inputs++; /* so inputs_free() tears this one down too */
			goto out;
		}
	}
	r = sd_event_add_time_relative(event, &in->movement_timer, CLOCK_MONOTONIC,
				       MOVEMENT_TICK_USEC, 0, on_movement_timer, in);
	if (r >= 0)
		r = event_source_describe(in->movement_timer, "inputs-movement");
	if (r < 0)
		goto out;
	(void) sd_event_source_set_enabled(in->movement_timer, SD_EVENT_OFF);
	*ret = in;
	return 0;
out:
	inputs_free(in);
	return r;
}

struct inputs *inputs_free(struct inputs *in)
{
	if (!in)
		return NULL;
	for (size_t k = 0; k < in->n_chips; k++)
		input_chip_done(&in->chips[k]);
	for (size_t k = 0; in->inputs && k < in->n_inputs; k++) {
		in->inputs[k].slot = mqtt_slot_free(in->inputs[k].slot);
		warn_limit_done(&in->inputs[k].repeats);
		in->inputs[k].occupancy_timer =
		    sd_event_source_disable_unref(in->inputs[k].occupancy_timer);
	}
	in->movement_timer = sd_event_source_disable_unref(in->movement_timer);
	free(in->chips);
	free(in->inputs);
	sd_event_unref(in->event);
	free(in);
	return NULL;
}

/*
 * Whether @a and @b are the same input: the same name, role and source (chip
 * and line, or topic and payloads). How long a level takes to decide
 * occupancy and the repeat window are how it is read, not which input it is:
 * what it knows goes on under the new ones.
 */
static bool inputs_alike(const struct config_input *a, const struct config_input *b)
{
	struct config_input b_as_a = *b;

	b_as_a.on_delay_usec = a->on_delay_usec;
	b_as_a.off_delay_usec = a->off_delay_usec;
	b_as_a.repeat_window_usec = a->repeat_window_usec;
	return config_section_equal("input", a, &b_as_a);
}

/* Takes over what @old knew of the same input; copied as data, @old keeps its line or slot. */
static void input_adopt(struct input *i, const struct input *old)
{
	i->have_level = old->have_level;
	i->level = old->level;
	i->events = old->events;
	i->occupancy = old->occupancy;
	i->resumed_since_usec = old->resumed_since_usec;
	i->button = old->button;
	i->refusals = old->refusals;
	if (i->cfg->role == CONFIG_INPUT_ROLE_OCCUPANCY && i->occupancy.have_level) {
		/* A delay running (perhaps a new length): decided on the loop, as a tick. */
		(void) sd_event_source_set_time(i->occupancy_timer, clock_monotonic_usec());
		(void) sd_event_source_set_enabled(i->occupancy_timer, SD_EVENT_ONESHOT);
	}
	log_debug("%s: unchanged, goes on through the reload", i->source);
}

void inputs_adopt(struct inputs *in, const struct inputs *old)
{
	bool movement = false, buttons = false;

	assert(in);
	assert(old);
	for (size_t k = 0; k < in->n_inputs; k++)
		for (size_t j = 0; j < old->n_inputs; j++) {
			struct input *i = &in->inputs[k];

			if (!inputs_alike(i->cfg, old->inputs[j].cfg))
				continue;
			input_adopt(i, &old->inputs[j]);
			input_line_adopt(i, &old->inputs[j]); /* a GPIO line's request goes on */
			movement = movement || i->cfg->role == CONFIG_INPUT_ROLE_MOVEMENT;
			buttons = buttons || i->cfg->role == CONFIG_INPUT_ROLE_CRAMP_BUTTON;
			break;
		}
	if (buttons)
		in->cramp = old->cramp; /* the last cramp of each leg: its repeat window */
	if (!movement)
		return;
	in->movement = old->movement;
	in->published_movement = old->published_movement;
	if (in->published_movement > 0 ||
	    bed_movement_per_min(&in->movement, clock_monotonic_usec()) > 0) {
		(void) sd_event_source_set_time_relative(in->movement_timer, MOVEMENT_TICK_USEC);
		(void) sd_event_source_set_enabled(in->movement_timer, SD_EVENT_ON);
	}
	/* Only a watching detector knows the calm: one that was off saw no movement. */
	if (old->suspect_enabled)
		in->suspect = old->suspect;
}

static void on_input_message(const struct mqtt_message *msg, void *userdata)
{
	struct input *i = userdata;
	const char *reason = NULL;
	bool active = false;
	int r;

	r = bed_payload_parse(msg->payload, msg->len, &i->payload, &active, &reason);
	if (r < 0) {
		log_write(payload_refusals_warn(&i->refusals, r, clock_monotonic_usec())
			      ? LOG_LEVEL_WARNING
			      : LOG_LEVEL_DEBUG,
			  "%s: refused a %zu-byte payload on '%s': %s, ignoring", i->source,
			  msg->len, msg->topic, reason ? reason : strerror(-r));
		return;
	}
	payload_refusals_parsed(&i->refusals);
	if (payload_refusals_accepted(&i->refusals))
		log_info("%s: payloads on '%s' are readable again", i->source, msg->topic);
	if (i->cfg->role == CONFIG_INPUT_ROLE_CRAMP_BUTTON) {
		/*
		 * A button is momentary: it has no lasting level. A retained
		 * message (Tasmota's ButtonRetain, a device told to retain) is
		 * an old press sent again on every (re)subscribe; taken as a
		 * level it would make the next press look held.
		 */
		if (msg->retained) {
			log_debug("%s: a retained message on '%s' is no press, ignoring", i->source,
				  msg->topic);
			return;
		}
		input_level(i, active, clock_monotonic_usec(), false);
		/*
		 * A button on MQTT often says only "pressed", never "released":
		 * each one is a press (the repeat window still makes presses
		 * close together one cramp).
		 */
		if (active)
			input_level(i, false, clock_monotonic_usec(), false);
		return;
	}
	/*
	 * A retained message is the broker's memory of a level, sent again on
	 * every (re)subscribe: a level, never a press or a movement.
	 */
	input_level(i, active, clock_monotonic_usec(), msg->retained);
}

void inputs_set_store(struct inputs *in, struct store *store)
{
	assert(in);
	in->store = store;
}

int inputs_start(struct inputs *in, struct mqtt *mqtt)
{
	int r;

	assert(in);
	assert(mqtt);
	for (size_t k = 0; k < in->n_inputs; k++) {
		struct input *i = &in->inputs[k];

		if (i->cfg->type != CONFIG_INPUT_TYPE_MQTT)
			continue;
		r = mqtt_subscribe(mqtt, i->cfg->topic, 1, on_input_message, i, &i->slot);
		if (r < 0)
			return log_error_errno(r, "%s: cannot subscribe to '%s'", i->source,
					       i->cfg->topic);
	}
	for (size_t k = 0; k < in->n_chips; k++) {
		r = input_chip_open(&in->chips[k], true);
		if (r == -ENOMEM)
			return log_error_errno(r, "cannot start the bed inputs");
	}
	return 0;
}

void inputs_stop(struct inputs *in)
{
	assert(in);
	for (size_t k = 0; k < in->n_inputs; k++) {
		struct input *i = &in->inputs[k];

		i->slot = mqtt_slot_free(i->slot);
		(void) sd_event_source_set_enabled(i->occupancy_timer, SD_EVENT_OFF);
	}
	for (size_t k = 0; k < in->n_chips; k++)
		input_chip_stop(&in->chips[k]);
	(void) sd_event_source_set_enabled(in->movement_timer, SD_EVENT_OFF);
}

/* "ok", "waiting" (no level yet) or "failed". */
static const char *input_status(const struct input *i)
{
	if (input_line_error(i))
		return "failed";
	return i->have_level ? "ok" : "waiting";
}

static json_t *input_state(const struct input *i)
{
	static const char *const types[] = {
		[CONFIG_INPUT_TYPE_GPIO] = "gpio",
		[CONFIG_INPUT_TYPE_MQTT] = "mqtt",
	};
	json_t *o;

	o = json_pack("{s:s, s:s, s:s, s:o, s:I}", "type", types[i->cfg->type], "role",
		      role_name(i->cfg->role), "status", input_status(i), "active",
		      i->have_level ? json_boolean(i->level) : json_null(), "events",
		      (json_int_t) i->events);
	if (o && input_line_error(i))
		json_object_set_new(o, "error", json_string(input_line_error(i)));
	return o;
}

/* ISO-8601 local time of the wall-clock @realtime_usec. */
static json_t *local_time(uint64_t realtime_usec)
{
	char buf[40];

	if (clock_format_local(realtime_usec, buf, sizeof(buf)) < 0)
		return json_null();
	return json_string(buf);
}

uint64_t inputs_alert_horizon_usec(const struct inputs *in, const char *kind, const char *source)
{
	assert(in);
	assert(source);
	if (kind && strcmp(kind, ALERT_INPUT_FAILED) != 0)
		return 0;
	for (size_t k = 0; k < in->n_inputs; k++)
		if (in->inputs[k].chip && strcmp(in->inputs[k].source, source) == 0)
			return INPUTS_FAILED_ALERT_USEC;
	return 0;
}

const char *inputs_leg_name(enum config_leg leg)
{
	return bed_leg_to_string(leg_of(leg));
}

int inputs_add_state(const struct inputs *in, json_t *state)
{
	json_t *list = json_object();
	enum bed_occupancy_state occ;
	uint64_t since;

	if (!list)
		return -ENOMEM;
	for (size_t k = 0; k < in->n_inputs; k++)
		json_object_set_new(list, in->inputs[k].cfg->name, input_state(&in->inputs[k]));
	occ = inputs_occupancy(in, &since);
	json_object_set_new(state, "in_bed",
			    occ == BED_OCCUPANCY_STATE_UNKNOWN
				? json_null()
				: json_boolean(occ == BED_OCCUPANCY_STATE_IN));
	json_object_set_new(state, "in_bed_since",
			    occ == BED_OCCUPANCY_STATE_IN ? local_time(since) : json_null());
	json_object_set_new(state, "movement_per_min",
			    in->have_movement ? json_integer(bed_movement_per_min(
						    &in->movement, clock_monotonic_usec()))
					      : json_null());
	json_object_set_new(state, "inputs", list);
	return 0;
}

size_t inputs_movement_history(const struct inputs *in, uint32_t *ret, size_t n)
{
	return bed_movement_history(&in->movement, clock_monotonic_usec(), ret, n);
}