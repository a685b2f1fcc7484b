#include "daemon/event-source.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

int event_source_describe(sd_event_source *s, const char *fmt, ...)
{
	char name[96];
	va_list ap;

	assert(s);
	assert(fmt);
	va_start(ap, fmt);
	(void) vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	return sd_event_source_set_description(s, name);
}

int event_add_idle_timer(sd_event *e, sd_event_source **ret, sd_event_time_handler_t handler,
			 void *userdata, const char *fmt, ...)
{
	sd_event_source *s = NULL;
	char name[96];
	va_list ap;
	int r;

	assert(e);
	assert(ret);
	assert(fmt);
	*ret = NULL;
	va_start(ap, fmt);
	(void) vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	r = sd_event_add_time(e, &s, CLOCK_MONOTONIC, 0, 0, handler, userdata);
	if (r >= 0)
		r = sd_event_source_set_description(s, name);
	if (r >= 0)
		r = sd_event_source_set_enabled(s, SD_EVENT_OFF);
	if (r < 0) {
		sd_event_source_disable_unref(s);
		return r;
	}
	*ret = s;
	return 0;
}

int event_add_io_dup(sd_event *e, sd_event_source **ret, int fd, uint32_t events,
		     sd_event_io_handler_t handler, void *userdata)
{
	sd_event_source *s = NULL;
	int copy, r;

	assert(e);
	assert(ret);
	copy = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (copy < 0)
		return -errno;
	r = sd_event_add_io(e, &s, copy, events, handler, userdata);
	if (r < 0) {
		close(copy);
		return r;
	}
	r = sd_event_source_set_io_fd_own(s, true);
	if (r < 0) {
		sd_event_source_disable_unref(s);
		close(copy);
		return r;
	}
	*ret = s;
	return 0;
}

/* True, with its time in *@ret, when the oneshot timer @s is armed. */
static bool armed_at(sd_event_source *s, uint64_t *ret)
{
	int enabled;

	return sd_event_source_get_enabled(s, &enabled) >= 0 && enabled == SD_EVENT_ONESHOT &&
	       sd_event_source_get_time(s, ret) >= 0;
}

static int arm(sd_event_source *s, uint64_t usec)
{
	int r = sd_event_source_set_time(s, usec);

	if (r >= 0)
		r = sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
	return r;
}

int event_source_arm_at(sd_event_source *s, uint64_t usec)
{
	uint64_t at;

	if (armed_at(s, &at) && at == usec)
		return 0;
	return arm(s, usec);
}

int event_deadline_set(struct event_deadline *d, uint64_t due_usec)
{
	uint64_t at;

	d->due_usec = due_usec;
	if (!armed_at(d->timer, &at))
		return due_usec == UINT64_MAX ? 0 : arm(d->timer, due_usec);
	if (at == due_usec || (at < due_usec && d->moved_later))
		return 0; /* an early timer is told so by event_deadline_early() */
	if (at < due_usec)
		d->moved_later = true;
	if (due_usec == UINT64_MAX)
		return sd_event_source_set_enabled(d->timer, SD_EVENT_OFF);
	return arm(d->timer, due_usec);
}

bool event_deadline_early(struct event_deadline *d, uint64_t now_usec)
{
	d->moved_later = false;
	if (now_usec >= d->due_usec)
		return false;
	/* Handled, the oneshot timer is off: armed again for the deadline. */
	if (d->due_usec != UINT64_MAX)
		(void) arm(d->timer, d->due_usec);
	return true;
}
