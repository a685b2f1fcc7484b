#pragma once

#include <systemd/sd-event.h>

/*
 * Tells when the wall clock (CLOCK_REALTIME) is set: NTP arriving late on a
 * Pi without a real-time clock, someone setting it by hand. A timerfd armed
 * at the end of time with TFD_TIMER_CANCEL_ON_SET becomes readable (and reads
 * ECANCELED) at every discontinuous change; the monotonic clock cannot see
 * those, and sd-event's own CLOCK_REALTIME timers only fire late or early
 * without saying why. Time zone changes are not clock changes: they need a
 * restart (TZ is read at start).
 */

struct clock_jump;

/*
 * Watches on @event; calls @jumped(@userdata) after each change (several
 * quick ones may be one call). Returns 0 or a negative errno.
 */
int clock_jump_new(sd_event *event, void (*jumped)(void *userdata), void *userdata,
		   struct clock_jump **ret);

/* Stops watching; accepts NULL; returns NULL. */
struct clock_jump *clock_jump_free(struct clock_jump *j);
