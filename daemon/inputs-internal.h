#pragma once

/*
 * Shared between daemon/inputs.c (the inputs, their decisions, the state) and
 * daemon/inputs-gpio.c (the GPIO chips). Not for use outside the two. The
 * direction is one-way: inputs.c calls the chip functions below; a chip
 * reports back only through the input_chip_callbacks it was given.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "config/config.h"
#include "control/cramp-suspect.h"
#include "daemon/alerts.h"
#include "daemon/inputs.h"
#include "daemon/warn-limit.h"
#include "sensors/bed-cramp.h"
#include "sensors/bed-movement.h"
#include "sensors/bed-occupancy.h"
#include "sensors/bed-payload.h"
#include "sensors/payload-refusals.h"

struct input_gpio;
struct input_gpio_seq;
struct input_chip;

struct input {
	struct inputs *inputs;
	const struct config_input *cfg;
	char source[80];         /* "input.NAME", for the log */
	struct input_chip *chip; /* gpio */
	size_t index;            /* of the line in the chip's request */
	bool have_level;
	bool level;
	uint64_t events;

	struct bed_occupancy occupancy;
	struct bed_occupancy_params occupancy_params;
	sd_event_source *occupancy_timer;

	struct bed_button button;
	struct bed_cramp_params cramp_params;
	struct warn_limit repeats; /* info: presses within the repeat window (a stuck button) */

	struct bed_payload_params payload;
	struct payload_refusals refusals; /* how loud the next refused payload is */
	struct mqtt_slot *slot;           /* mqtt */
};

/* How a chip reports what it read. */
struct input_chip_callbacks {
	/*
	 * The input is @active at @at_usec (CLOCK_MONOTONIC). @sync: a level read
	 * rather than an edge (at start, after lost events): it is never a press or
	 * a movement. A press a cramp button lost with dropped events comes as an
	 * edge (not @sync), at the time of the first event after the loss.
	 */
	void (*level)(struct input *i, bool active, uint64_t at_usec, bool sync);
	/* The input cannot be read any more (its chip went away, or cannot be opened). */
	void (*lost)(struct input *i);
	/* Its chip has not been open for INPUTS_FAILED_ALERT_USEC: @why, for a person. */
	void (*failed)(struct input *i, const char *why);
	/* Its chip is open (again): what failed() said is over. */
	void (*back)(struct input *i);
	/* Something in the state changed (a chip failed or came back). */
	void (*changed)(struct inputs *in);
};

struct input_chip {
	struct inputs *inputs;
	const struct input_chip_callbacks *cb;
	const char *name; /* as configured */
	struct input **members;
	size_t n_members;
	struct input_gpio *gpio;
	sd_event_source *io;
	sd_event_source *reopen_timer;
	sd_event_source *check_timer; /* only where inotify cannot watch the chip's directory */
	sd_event_source *watch;       /* inotify on the chip's directory: did it go? */
	sd_event_source *alert_timer; /* INPUTS_FAILED_ALERT_USEC after it failed: failed() */
	bool alerted;                 /* failed() was said since the last successful open */
	unsigned failures;            /* since the last successful open */
	char *error;                  /* why it is not open, for the log and the state */
	struct input_gpio_seq *seq;   /* what the sequence numbers say was lost; NULL: closed */
};

struct inputs {
	sd_event *event;
	const struct config *config;
	const struct inputs_callbacks *cb;
	void *userdata;
	struct alerts *alerts; /* NULL: none */
	struct input *inputs;
	size_t n_inputs;
	struct input_chip *chips; /* room for one per input */
	size_t n_chips;
	bool have_movement;
	struct bed_movement movement;
	unsigned published_movement;
	sd_event_source *movement_timer;
	struct bed_cramp cramp;
	bool suspect_enabled; /* [cramps] suspect_from_movement */
	struct cramp_suspect_params suspect_params;
	struct cramp_suspect suspect;
};

/* In inputs-gpio.c. */

/*
 * Adds the GPIO input @i to the chip @name of @in, setting the chip up (in
 * in->chips, unopened, with its timers, reporting through @cb) on its first
 * input. Sets i->chip and i->index. Returns 0 or a negative errno; on failure
 * the chip is left for input_chip_done().
 */
int input_chip_add(struct inputs *in, struct input *i, const char *name,
		   const struct input_chip_callbacks *cb);

/*
 * Opens the chip @c, requests its lines and reads their levels. A failure is
 * logged (as an error when @first or when the reason is new), kept in
 * c->error and tried again later with back-off. Returns 0 or a negative errno.
 */
int input_chip_open(struct input_chip *c, bool first);

/* Releases the lines of @c and stops trying to open it again. */
void input_chip_stop(struct input_chip *c);

/* Releases everything @c holds (not @c itself, which lives in in->chips). */
void input_chip_done(struct input_chip *c);
