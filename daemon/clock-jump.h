#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

/*
 * Tells when the wall clock (CLOCK_REALTIME) is set: NTP arriving late on a
 * Pi without a real-time clock, someone setting it by hand. A timerfd armed
 * at the end of time with TFD_TIMER_CANCEL_ON_SET becomes readable (and reads
 * ECANCELED) at every discontinuous change; the monotonic clock cannot see
 * those, and sd-event's own CLOCK_REALTIME timers only fire late or early
 * without saying why. A change of time zone is one too, for what is planned
 * in local time: without TZ, /etc/localtime is watched (inotify on /etc), and
 * the new zone read (tzset()) when it is replaced.
 */

struct clock_jump;

enum clock_change {
	CLOCK_CHANGE_SET,  /* the wall clock was set */
	CLOCK_CHANGE_ZONE, /* the time zone file changed: local times are the new zone's now */
};

/*
 * Watches on @event; calls @jumped(@change, @userdata) after each change
 * (several quick ones may be one call). Returns 0 or a negative errno.
 */
int clock_jump_new(sd_event *event, void (*jumped)(enum clock_change change, void *userdata),
		   void *userdata, struct clock_jump **ret);

/*
 * Watches the zone file in @dir (instead of /etc: tests) for changes. Returns
 * 0 or a negative errno.
 */
int clock_jump_watch_zone(struct clock_jump *j, sd_event *event, const char *dir);

/*
 * When to arm the watching timer at @now_s, on a system whose time_t reaches
 * @time_max_s: far enough ahead that it never expires (a century; a timer that
 * expires would be re-armed and expire again), or as far as time_t reaches.
 * Returns 0 and the time in *ret_s, or -EOVERFLOW when time_t cannot reach a
 * day past @now_s (a 32-bit time_t near 2038): then nothing can be watched.
 */
int clock_jump_end_of_time(int64_t now_s, int64_t time_max_s, int64_t *ret_s);

/* Stops watching; accepts NULL; returns NULL. */
struct clock_jump *clock_jump_free(struct clock_jump *j);

/*
 * Whether the wall clock moved against the monotonic one by a second or more
 * between two readings of their difference: smaller sets (NTP's small steps, a
 * virtual machine's clock being adjusted, many a second) are not reported.
 */
bool clock_jump_is_jump(int64_t offset_before_usec, int64_t offset_after_usec);
