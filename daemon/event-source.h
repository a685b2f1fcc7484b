#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

/*
 * Names an event source from a printf format, so sd-event's debug output and
 * a debugger say which timer or fd it is ("room-bedside-interval"). Every
 * source the daemon adds gets one. Returns 0 or a negative errno.
 */
int event_source_describe(sd_event_source *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Watches @fd, which a library or module owns and may close on its own (the
 * MQTT socket inside libmosquitto, a measurement's pipe), through a duplicate
 * the source owns. epoll keeps a registration as long as its file is open
 * anywhere: closed under us while a forked child still holds a copy, the
 * registration outlives the freed source and sd-event aborts on its next
 * event. With our own duplicate the registration lives and dies with the
 * source, which removes it before closing. Returns 0 or a negative errno.
 */
int event_add_io_dup(sd_event *e, sd_event_source **ret, int fd, uint32_t events,
		     sd_event_io_handler_t handler, void *userdata);

/*
 * Adds a CLOCK_MONOTONIC timer named from @fmt, off until armed
 * (event_source_arm_at()): a deadline that is due only when something
 * happens. On failure *@ret is NULL. Returns 0 or a negative errno.
 */
int event_add_idle_timer(sd_event *e, sd_event_source **ret, sd_event_time_handler_t handler,
			 void *userdata, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/*
 * Arms the oneshot timer @s for @usec, unless it is armed for just that: a
 * deadline many messages arm again (the keepalive, a sensor's staleness, the
 * heating's next wake-up) then costs two reads, not sd-event's reordering of
 * its timers. Returns 0 or a negative errno.
 */
int event_source_arm_at(sd_event_source *s, uint64_t usec);

/*
 * A deadline that messages keep moving, mostly later: a sensor's staleness at
 * every reading, the heating's next decision at every step. Re-arming the
 * timer for each reorders sd-event's queue of timers (8 % of the daemon's
 * work at 100 messages a second); a deadline re-arms @timer when it must fire
 * sooner than it is armed for, and the first time it moves later after the
 * timer fired (a quiet night's rare message then costs no wake-up). Moved
 * later again before the timer fires, it leaves the timer early: woken early,
 * the handler is told so by event_deadline_early(), which arms the timer
 * again for the deadline: one early wake-up a period instead of a re-arm a
 * message.
 */
struct event_deadline {
	sd_event_source *timer; /* a oneshot timer, owned by the user */
	uint64_t due_usec;      /* UINT64_MAX: nothing due */
	bool moved_later;       /* since the timer last fired */
};

/* Sets the deadline to @due_usec (UINT64_MAX: none). Returns 0 or a negative errno. */
int event_deadline_set(struct event_deadline *d, uint64_t due_usec);

/*
 * For the timer's handler, at every call: true when it came before the
 * deadline (or with none due), with the timer armed again for the deadline;
 * nothing is to be done now.
 */
bool event_deadline_early(struct event_deadline *d, uint64_t now_usec);
