/* The sysfs thermometers (w1, iio, hwmon): one measurement an interval, retried within it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "daemon/clock.h"
#include "daemon/event-source.h"
#include "daemon/log.h"
#include "daemon/room-internal.h"

void room_sysfs_stop(struct room_sensor *s)
{
	s->io = sd_event_source_disable_unref(s->io);
	s->timeout_timer = sd_event_source_disable_unref(s->timeout_timer);
}

/*
 * The device the source was opened on has gone (a DS18B20 replaced, a module
 * unloaded): its paths were fixed when it was found, so reading them again can
 * only fail. Drop the source; the next interval looks for the device anew, by
 * discovery too, as at start (room_on_interval_timer()).
 */
static void device_gone(struct room_sensor *s, int result)
{
	const char *device = temp_source_device(s->temp);

	log_warning("%s: '%s' has gone (%s): looking for the sensor again every interval",
		    s->source, device ? device : s->type_name, strerror(-result));
	(void) sd_event_source_set_enabled(s->retry_timer, SD_EVENT_OFF);
	s->temp = temp_source_free(s->temp);
	s->failing = true; /* "measuring again" once it is found and reads */
}

static void attempt_done(struct room_sensor *s, int result, const struct temp_reading *reading)
{
	uint64_t now = clock_monotonic_usec();
	uint64_t delay = 0;

	room_sysfs_stop(s);
	if (result == -ENOENT || result == -ENODEV) {
		device_gone(s, result);
		return;
	}
	switch (temp_retry_step(&s->retry, &s->retry_params, result, now, s->conversion_usec,
				s->deadline_usec, &delay)) {
	case TEMP_RETRY_ACTION_DONE:
		if (s->failing)
			log_info("%s: measuring again", s->source);
		s->failing = false;
		/* DONE follows a reading (result 0); the timeouts pass NULL with an error. */
		if (reading)
			(void) room_accept_reading(s, reading);
		break;
	case TEMP_RETRY_ACTION_RETRY:
		log_debug("%s: measurement failed: %s; retrying in %.1f s", s->source,
			  strerror(-result), (double) delay / 1e6);
		(void) sd_event_source_set_time_relative(s->retry_timer, delay);
		(void) sd_event_source_set_enabled(s->retry_timer, SD_EVENT_ONESHOT);
		break;
	case TEMP_RETRY_ACTION_GIVE_UP:
		log_write(s->failing ? LOG_LEVEL_DEBUG : LOG_LEVEL_WARNING,
			  "%s: no reading this interval: %s, ignoring", s->source,
			  strerror(-result));
		s->failing = true;
		break;
	}
}

static int on_attempt_readable(sd_event_source *es, int fd, uint32_t revents, void *userdata)
{
	struct room_sensor *s = userdata;
	struct temp_reading reading = { 0 };
	int r = temp_source_read(s->temp, &reading);

	if (r != -EAGAIN)
		attempt_done(s, r, &reading);
	return 0;
}

static int on_attempt_timeout(sd_event_source *es, uint64_t usec, void *userdata)
{
	struct room_sensor *s = userdata;

	temp_source_cancel(s->temp);
	attempt_done(s, -ETIMEDOUT, NULL);
	return 0;
}

static void start_attempt(struct room_sensor *s)
{
	int r;

	r = temp_source_start(s->temp, &s->conversion_usec);
	if (r >= 0)
		r = event_add_io_dup(s->room->event, &s->io, temp_source_fd(s->temp), EPOLLIN,
				     on_attempt_readable, s);
	if (r >= 0)
		r = event_source_describe(s->io, "room-%s-measurement", s->cfg->name);
	if (r >= 0)
		r = sd_event_add_time_relative(s->room->event, &s->timeout_timer, CLOCK_MONOTONIC,
					       TEMP_SOURCE_TIMEOUT_USEC, 0, on_attempt_timeout, s);
	if (r >= 0)
		r = event_source_describe(s->timeout_timer, "room-%s-timeout", s->cfg->name);
	if (r < 0) {
		temp_source_cancel(s->temp);
		attempt_done(s, r, NULL);
	}
}

int room_on_retry_timer(sd_event_source *es, uint64_t usec, void *userdata)
{
	start_attempt(userdata);
	return 0;
}

int room_sysfs_open(struct room_sensor *s, enum log_level level)
{
	const struct config_sensor *cfg = s->cfg;
	char *error = NULL;
	int rc;

	rc = temp_source_new(
	    &(struct temp_source_params){ .type = s->type_name,
					  .sysfs_root = s->room->config->room.sysfs_root,
					  .device = cfg->device,
					  .name = cfg->sysfs_name,
					  .path = cfg->path,
					  .label = cfg->label,
					  .index = (unsigned) cfg->index },
	    &s->temp, &error);
	if (rc < 0) {
		log_write(level, "%s: %s%s", s->source, error ? error : strerror(-rc),
			  level == LOG_LEVEL_DEBUG ? "" : "; looking for it again every interval");
		free(error);
		return rc;
	}
	s->retry_params = (struct temp_retry_params){
		.retries = temp_source_get_ops(s->temp)->retries,
		.retry_delay_usec = temp_source_get_ops(s->temp)->retry_delay_usec,
	};
	return 0;
}

int room_on_interval_timer(sd_event_source *es, uint64_t usec, void *userdata)
{
	struct room_sensor *s = userdata;

	s->deadline_usec = usec + s->cfg->interval_usec;
	(void) sd_event_source_set_time(es, s->deadline_usec);
	if (s->io) {
		log_debug("%s: the last measurement is still running, skipping one", s->source);
		return 0;
	}
	(void) sd_event_source_set_enabled(s->retry_timer, SD_EVENT_OFF);
	if (!s->temp && room_sysfs_open(s, LOG_LEVEL_DEBUG) < 0)
		return 0;
	temp_retry_begin(&s->retry);
	start_attempt(s);
	return 0;
}
