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
struct input_line;

struct input {
	struct inputs *inputs;
	const struct config_input *cfg;
	char source[80];         /* "input.NAME", for the log */
	struct input_chip *chip; /* gpio */
	size_t index;            /* among the chip's members */
	struct input_line *line; /* gpio: its line's own request */
	bool have_level;
	bool level;
	uint64_t events;

	struct bed_occupancy occupancy;
	struct bed_occupancy_params occupancy_params;
	sd_event_source *occupancy_timer;
	/* In bed since this (CLOCK_REALTIME), kept across a restart; 0: since the state says. */
	uint64_t resumed_since_usec;

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

/*
 * A GPIO chip: its inputs' lines are requested one request each (struct
 * input_line), so a line that cannot be requested (held by another program,
 * no such line, a setting the kernel refuses) takes no other input down.
 * What is the chip's: whether it can be opened at all, and noticing it go.
 */
struct input_chip {
	struct inputs *inputs;
	const struct input_chip_callbacks *cb;
	const char *name; /* as configured */
	struct input **members;
	size_t n_members;
	char *path; /* found and opened; NULL: closed */
	sd_event_source *reopen_timer;
	sd_event_source *check_timer; /* only where inotify cannot watch the chip's directory */
	sd_event_source *watch;       /* inotify on the chip's directory: did it go? */
	sd_event_source *alert_timer; /* INPUTS_FAILED_ALERT_USEC after it failed: failed() */
	bool alerted;                 /* failed() was said since the last successful open */
	unsigned failures;            /* since the last successful open */
	char *error;                  /* why it is not open, for the log and the state */
};

/* One input's line on its open chip: its own request, failing and retried on its own. */
struct input_line {
	struct input_chip *chip;
	struct input *input;
	struct input_gpio *gpio;    /* the request; NULL: not held */
	struct input_gpio_seq *seq; /* what the sequence numbers say was lost; NULL: not held */
	sd_event_source *io;
	sd_event_source *reopen_timer;
	sd_event_source *alert_timer; /* INPUTS_FAILED_ALERT_USEC after it failed: failed() */
	bool alerted;                 /* failed() was said since it was last held */
	unsigned failures;            /* since it was last held */
	char *error;                  /* why it is not held while its chip is open */
	char *note;                   /* what its request did without, as last said */
};

struct inputs {
	sd_event *event;
	const struct config *config;
	const struct inputs_callbacks *cb;
	void *userdata;
	struct alerts *alerts; /* NULL: none */
	struct store *store;   /* where in bed since when is kept; NULL: not kept */
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

/* The wall-clock time of the CLOCK_MONOTONIC @monotonic_usec (in the past). */
uint64_t inputs_to_realtime(uint64_t monotonic_usec);

/*
 * Occupancy input @i changed state (@r): since when in bed, kept in the store
 * for the next start, or taken back from it (inputs-bed.c).
 */
void input_track_in_bed_since(struct input *i, const struct bed_occupancy_result *r);

/*
 * Several mats: in bed when any readable one says so (*@ret_since: since when,
 * CLOCK_REALTIME), out when every one that knows says so.
 */
enum bed_occupancy_state inputs_occupancy(const struct inputs *in, uint64_t *ret_since);

/*
 * Adds the GPIO input @i to the chip @name of @in, setting the chip up (in
 * in->chips, unopened, with its timers, reporting through @cb) on its first
 * input, and the input's line (i->line, with its timers). Sets i->chip,
 * i->index and i->line. Returns 0 or a negative errno; on failure the chip is
 * left for input_chip_done().
 */
int input_chip_add(struct inputs *in, struct input *i, const char *name,
		   const struct input_chip_callbacks *cb);

/*
 * Opens the chip @c and requests each of its lines (one request each) that
 * is not held yet, reading their levels. A failure, of the chip or of one
 * line, is logged (as an error when @first or when the reason is new), kept
 * in c->error or the line's error and tried again later with back-off; the
 * other lines work meanwhile. Returns 0 or a negative errno (the chip's).
 */
int input_chip_open(struct input_chip *c, bool first);

/*
 * After a reload: the input @i, the same as @old (its chip and line settings
 * too), takes over the line request @old holds, with the edges queued in it,
 * so nothing is lost between the two: @old no longer holds it.
 */
void input_line_adopt(struct input *i, const struct input *old);

/* Why input @i cannot be read (its chip's error or its line's), or NULL. */
const char *input_line_error(const struct input *i);

/* Releases the lines of @c and stops trying to open them again. */
void input_chip_stop(struct input_chip *c);

/* Releases everything @c and its members' lines hold (not @c itself, which lives in in->chips). */
void input_chip_done(struct input_chip *c);
