#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "config/config.h"
#include "daemon/alerts.h"
#include "daemon/mqtt.h"

/*
 * The bed inputs: drives every [input.NAME] on the event loop. GPIO lines are
 * requested per chip when started (edge events through an io source, never
 * polled; the level at start is read so a person already in bed is seen); a
 * chip that cannot be opened or goes away is logged, shown in the state and
 * opened again every few seconds with back-off while the rest keeps running;
 * its inputs are unknown meanwhile (in bed too), and after
 * INPUTS_FAILED_ALERT_USEC each raises the alert "input_failed", cleared when
 * the chip is open again.
 * MQTT inputs come from their topics. From them: occupancy (in bed after
 * on_delay, out after off_delay), movement per minute, and cramp presses,
 * handed to the cramp callback.
 */

struct inputs;
struct store;

/* How long a GPIO input may stay unreadable before its "input_failed" alert. */
#define INPUTS_FAILED_ALERT_USEC (60 * 1000000ULL)

/* A cramp reported by a button. Strings are borrowed for the call. */
struct inputs_cramp {
	enum config_leg leg;
	const char *source;      /* "button", or "movement" for a suspected one */
	bool suspected;          /* from a movement pattern: the person has not said so */
	const char *input;       /* the input's name */
	uint64_t realtime_usec;  /* when it was pressed (CLOCK_REALTIME) */
	uint64_t monotonic_usec; /* the same moment on CLOCK_MONOTONIC */
};

struct inputs_callbacks {
	/* Occupancy, the movement level or an input's health changed: re-publish the state. */
	void (*changed)(void *userdata);
	/*
	 * A new cramp (not a repeated press within repeat_window). The manager
	 * hands it to the cramp log, which stores it durably, then delivers it.
	 */
	void (*cramp)(const struct inputs_cramp *cramp, void *userdata);
};

/*
 * Sets up every input of @config (borrowed: it must outlive the inputs) on
 * @event, raising and clearing "input_failed" in @alerts (borrowed; NULL:
 * none). Nothing is opened until inputs_start(), so a reload can release the
 * old lines before the new ones are requested. Returns 0 or a negative errno.
 */
int inputs_new(sd_event *event, const struct config *config, struct alerts *alerts,
	       const struct inputs_callbacks *cb, void *userdata, struct inputs **ret);
struct inputs *inputs_free(struct inputs *in);

/*
 * After a reload: every input of @in that is the same as one of @old (name,
 * role, source; the delays and repeat window may differ) takes over what that
 * one knew (its level, in bed and since when, a button's press), and with a
 * movement input the movement history and what the cramp suspicion watched,
 * with a button the repeat windows. Copied as data before @old stops. A GPIO
 * input whose chip and line settings are unchanged also takes over @old's
 * line request, with the edges queued in it (a press during the reload is not
 * lost); @old keeps its other lines and its subscriptions, @in requests its
 * own at inputs_start(), whose first level read (a GPIO read, a retained
 * message) is no new edge when it says what was known. An input that changed
 * starts afresh.
 */
void inputs_adopt(struct inputs *in, const struct inputs *old);

/*
 * The store (borrowed; NULL: none) in which each occupancy input keeps since
 * when the person is in bed ("in_bed_since.NAME" in the settings, Unix
 * seconds; cleared when out of bed). An input whose first state after a start
 * is in bed goes on from it, when the clock is set and the record is at most
 * BED_OCCUPANCY_RESUME_MAX_S old: a restart in the night is no new bedtime.
 * Set it before inputs_start(), and again when the store changes.
 */
void inputs_set_store(struct inputs *in, struct store *store);

/*
 * Opens the GPIO chips (a chip that fails is logged and retried; that is not
 * an error here) and subscribes on @mqtt to the MQTT inputs' topics. Returns 0
 * or a negative errno.
 */
int inputs_start(struct inputs *in, struct mqtt *mqtt);

/* Releases the GPIO lines, stops the timers, drops the subscriptions. */
void inputs_stop(struct inputs *in);

/*
 * Adds "in_bed" (true/false/null), "in_bed_since" (ISO-8601 local or null),
 * "movement_per_min" (null without a movement input) and "inputs" (each
 * input's health) to the state object @state. Returns 0 or -ENOMEM.
 */
int inputs_add_state(const struct inputs *in, json_t *state);

/*
 * Whether the person is in bed: 1 (and, when @ret_since_realtime_usec is not
 * NULL, since when, CLOCK_REALTIME), 0 out of bed, -ENODATA unknown (no
 * occupancy input, or none has decided yet).
 */
int inputs_in_bed(const struct inputs *in, uint64_t *ret_since_realtime_usec);

/*
 * How long after start the inputs may take to raise again an alert @kind
 * (NULL: any) of @source that still holds: INPUTS_FAILED_ALERT_USEC for
 * "input_failed" of a GPIO input, 0 for a source that is no input of @in.
 */
uint64_t inputs_alert_horizon_usec(const struct inputs *in, const char *kind, const char *source);

/* "left", "right" or "unknown", as the cramp log and the events spell a leg. */
const char *inputs_leg_name(enum config_leg leg);

/* The movement counts of the last @n whole minutes, oldest first; returns how many. */
size_t inputs_movement_history(const struct inputs *in, uint32_t *ret, size_t n);
