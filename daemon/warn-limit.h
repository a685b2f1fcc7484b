#pragma once

#include <systemd/sd-event.h>

#include "control/log-limit.h"
#include "daemon/log.h"

/*
 * Rate-limited warnings about input from outside on one topic, with the
 * summary on time: control/log-limit.h decides what is logged in full, and a
 * timer, armed only while warnings are held back, logs "N more warnings
 * about X within a minute" when the minute is over, whether or not another
 * bad message comes. Not all are invalid: an old command or a cramp logged
 * without a detail is warned about too.
 */
struct warn_limit {
	struct log_limit limit;
	const char *what;       /* static: "set/floor", "cramp reports" */
	sd_event *event;        /* borrowed; NULL: the summary waits for the next warning */
	sd_event_source *timer; /* made on the first warning held back */
	enum log_level level; /* LOG_LEVEL_WARNING, or LOG_LEVEL_INFO from warn_limit_init_info() */
	/*
	 * Optional: called after the timer's summary of lines held back, to say
	 * what holds after them (the last of a burst of changes was not logged).
	 */
	void (*summarized)(void *userdata);
	void *userdata;
};

/* Five warnings a minute in full. @event may be NULL (tests). */
void warn_limit_init(struct warn_limit *w, sd_event *event, const char *what);

/*
 * The same for lines at info level that input from outside can flood the
 * journal with though valid (an automation that sets the floor in a loop):
 * @what names them ("floor changes": "N more floor changes within a minute").
 */
void warn_limit_init_info(struct warn_limit *w, sd_event *event, const char *what);

/* Drops the timer; a count still held back is logged now. */
void warn_limit_done(struct warn_limit *w);

/* A warning through @w: logged in full, or counted for the summary. */
void warn_limited(struct warn_limit *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
