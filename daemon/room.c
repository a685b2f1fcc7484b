#include "daemon/room.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "daemon/clock.h"
#include "daemon/log.h"
#include "sensors/reading-check.h"
#include "sensors/room-publish.h"
#include "sensors/room-temp.h"
#include "sensors/temp-payload.h"
#include "sensors/temp-retry.h"
#include "sensors/temp-source.h"

struct room_sensor {
	struct room *room;
	const struct config_sensor *cfg;
	char source[80];       /* "sensor.NAME", for alerts and the log */
	const char *type_name; /* sysfs types: "w1", "iio", "hwmon" */

	/* sysfs types: one measurement per interval, retried within it */
	struct temp_source *temp;
	sd_event_source *interval_timer;
	sd_event_source *retry_timer;
	sd_event_source *io;
	sd_event_source *timeout_timer;
	struct temp_retry retry;
	struct temp_retry_params retry_params;
	uint64_t conversion_usec;
	uint64_t deadline_usec; /* the next interval's start */
	bool failing;           /* the last interval ended without a value */

	/* mqtt type */
	struct temp_payload_params payload;
	bool payload_bad; /* the last payload was refused: log the next refusal at debug */

	enum reading_check_kind kind;
	struct reading_check_params check_params;
	struct reading_check_state check;
	struct sensor_health health;
};

struct room {
	sd_event *event;
	const struct config *config;
	struct alerts *alerts;
	const struct room_callbacks *cb;
	void *userdata;
	struct room_sensor *sensors;
	size_t n_sensors;
	const struct sensor_health **healths; /* of each sensor, for the aggregate */
	enum room_temp_mode mode;
	struct room_publish published;
	struct room_publish_params publish_params;
	sd_event_source *health_timer;
	bool known;
	int32_t value_mc;
	bool held_back; /* a change waits for the minimum publish interval */
};

static double to_c(int32_t mc)
{
	return (double) mc / 1000.0;
}

static void arm_health_timer(struct room *r)
{
	uint64_t next = room_publish_next_usec(&r->published, &r->publish_params);

	if (r->held_back && r->published.time_usec + r->publish_params.min_interval_usec < next)
		next = r->published.time_usec + r->publish_params.min_interval_usec;

	for (size_t i = 0; i < r->n_sensors; i++) {
		uint64_t t = sensor_health_next_usec(&r->sensors[i].health);

		if (t < next)
			next = t;
	}
	(void) sd_event_source_set_time(r->health_timer, next);
	(void) sd_event_source_set_enabled(r->health_timer, SD_EVENT_ONESHOT);
}

static void room_update(struct room *r, bool force)
{
	uint64_t now = clock_monotonic_usec();
	int32_t mc = 0;
	bool known;

	known = room_temp_aggregate(r->healths, r->n_sensors, r->mode, now, &mc) > 0;
	r->known = known;
	if (known)
		r->value_mc = mc;
	if (r->cb->reading)
		r->cb->reading(known, to_c(mc), r->userdata);
	/* A sensor going stale or coming back is news at once, whatever the interval. */
	if (force || room_publish_due(&r->published, &r->publish_params, known, mc, false, now)) {
		room_publish_mark(&r->published, known, mc, now);
		r->held_back = false;
		if (r->cb->changed)
			r->cb->changed(r->userdata);
	} else {
		/* Due but for the minimum interval? Then ask again when it has passed. */
		struct room_publish later = r->published;

		later.time_usec = now - r->publish_params.min_interval_usec - 1;
		r->held_back = room_publish_due(&later, &r->publish_params, known, mc, false, now);
	}
	arm_health_timer(r);
}

static void accept_reading(struct room_sensor *s, const struct temp_reading *reading)
{
	uint64_t now = clock_monotonic_usec();
	struct reading_check_result res;

	res = reading_check_evaluate(&s->check, &s->check_params, s->kind, reading, now);
	if (res.verdict != READING_CHECK_VERDICT_OK) {
		log_write(res.persist_began ? LOG_LEVEL_WARNING : LOG_LEVEL_DEBUG,
			  "%s: rejected reading %.3f °C (%s)%s", s->source, to_c(reading->value_mc),
			  reading_check_verdict_to_string(res.verdict),
			  res.persist_began ? ", and the ones before it, ignoring" : ", ignoring");
		return;
	}
	if (res.persist_ended)
		log_info("%s: readings are plausible again", s->source);
	if (sensor_health_good(&s->health,
			       reading->value_mc + (int32_t) lround(s->cfg->offset_c * 1000),
			       now) == SENSOR_HEALTH_EVENT_RECOVERED) {
		log_info("%s: sensor is back", s->source);
		(void) alerts_clear(s->room->alerts, "sensor_stale", s->source,
				    "The room thermometer is working again.",
				    clock_realtime_usec());
		room_update(s->room, true);
		return;
	}
	room_update(s->room, false);
}

static void stop_attempt(struct room_sensor *s)
{
	s->io = sd_event_source_disable_unref(s->io);
	s->timeout_timer = sd_event_source_disable_unref(s->timeout_timer);
}

static void attempt_done(struct room_sensor *s, int result, const struct temp_reading *reading)
{
	uint64_t now = clock_monotonic_usec();
	uint64_t delay = 0;

	stop_attempt(s);
	switch (temp_retry_step(&s->retry, &s->retry_params, result, now, s->conversion_usec,
				s->deadline_usec, &delay)) {
	case TEMP_RETRY_ACTION_DONE:
		if (s->failing)
			log_info("%s: measuring again", s->source);
		s->failing = false;
		accept_reading(s, reading);
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
		r = sd_event_add_io(s->room->event, &s->io, temp_source_fd(s->temp), EPOLLIN,
				    on_attempt_readable, s);
	if (r >= 0)
		r = sd_event_add_time_relative(s->room->event, &s->timeout_timer, CLOCK_MONOTONIC,
					       TEMP_SOURCE_TIMEOUT_USEC, 0, on_attempt_timeout, s);
	if (r < 0) {
		temp_source_cancel(s->temp);
		attempt_done(s, r, NULL);
	}
}

static int on_retry_timer(sd_event_source *es, uint64_t usec, void *userdata)
{
	start_attempt(userdata);
	return 0;
}

/* Finds the device; a failure is logged at @level and tried again next interval. */
static int sensor_open(struct room_sensor *s, enum log_level level)
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

static int on_interval_timer(sd_event_source *es, uint64_t usec, void *userdata)
{
	struct room_sensor *s = userdata;

	s->deadline_usec = usec + s->cfg->interval_usec;
	(void) sd_event_source_set_time(es, s->deadline_usec);
	if (s->io) {
		log_debug("%s: the last measurement is still running, skipping one", s->source);
		return 0;
	}
	(void) sd_event_source_set_enabled(s->retry_timer, SD_EVENT_OFF);
	if (!s->temp && sensor_open(s, LOG_LEVEL_DEBUG) < 0)
		return 0;
	temp_retry_begin(&s->retry);
	start_attempt(s);
	return 0;
}

static int on_health_timer(sd_event_source *es, uint64_t usec, void *userdata)
{
	struct room *r = userdata;
	uint64_t now = clock_monotonic_usec();
	bool changed = false;

	for (size_t i = 0; i < r->n_sensors; i++) {
		struct room_sensor *s = &r->sensors[i];
		char msg[200];

		if (sensor_health_tick(&s->health, now) != SENSOR_HEALTH_EVENT_STALE)
			continue;
		changed = true;
		log_warning("%s: no good reading for %llu s: the sensor is stale", s->source,
			    s->cfg->stale_after_usec / 1000000ULL);
		snprintf(msg, sizeof(msg),
			 "The room thermometer '%s' has given no good reading for %llu minutes.",
			 s->cfg->name, s->cfg->stale_after_usec / 60000000ULL);
		(void) alerts_raise(r->alerts, "sensor_stale", s->source, msg,
				    clock_realtime_usec());
	}
	room_update(r, changed);
	return 0;
}

static int sensor_init(struct room *r, struct room_sensor *s, const struct config_sensor *cfg)
{
	uint64_t now = clock_monotonic_usec();
	int rc;

	s->room = r;
	s->cfg = cfg;
	snprintf(s->source, sizeof(s->source), "sensor.%s", cfg->name);
	s->kind = cfg->type == CONFIG_SENSOR_TYPE_W1 ? READING_CHECK_KIND_DS18B20
						     : READING_CHECK_KIND_GENERIC;
	reading_check_params_default(s->kind, &s->check_params);
	s->check_params.min_mc = (int32_t) lround(cfg->min_c * 1000);
	s->check_params.max_mc = (int32_t) lround(cfg->max_c * 1000);
	s->check_params.max_rate_mc_per_min = (int32_t) lround(cfg->max_rate_c_per_min * 1000);
	s->check_params.stuck_usec = cfg->stuck_after_usec;
	reading_check_state_init(&s->check);
	sensor_health_init(&s->health, cfg->stale_after_usec,
			   cfg->type == CONFIG_SENSOR_TYPE_MQTT ? cfg->max_age_usec : 0, now);

	if (cfg->type == CONFIG_SENSOR_TYPE_MQTT) {
		s->payload = (struct temp_payload_params){ .json_key = cfg->json_key,
							   .fahrenheit = cfg->fahrenheit };
		return 0;
	}

	s->type_name = config_sensor_type_to_string(cfg->type);
	(void) sensor_open(s, LOG_LEVEL_ERROR);
	rc = sd_event_add_time(r->event, &s->interval_timer, CLOCK_MONOTONIC, now, 0,
			       on_interval_timer, s);
	if (rc >= 0)
		rc = sd_event_source_set_enabled(s->interval_timer, SD_EVENT_OFF);
	if (rc >= 0)
		rc = sd_event_add_time(r->event, &s->retry_timer, CLOCK_MONOTONIC, now, 0,
				       on_retry_timer, s);
	if (rc >= 0)
		rc = sd_event_source_set_enabled(s->retry_timer, SD_EVENT_OFF);
	return rc;
}

static void sensor_done(struct room_sensor *s)
{
	stop_attempt(s);
	s->interval_timer = sd_event_source_disable_unref(s->interval_timer);
	s->retry_timer = sd_event_source_disable_unref(s->retry_timer);
	s->temp = temp_source_free(s->temp);
}

int room_new(sd_event *event, const struct config *config, struct alerts *alerts,
	     const struct room_callbacks *cb, void *userdata, struct room **ret)
{
	static const enum room_temp_mode modes[] = {
		[CONFIG_ROOM_AGGREGATE_MIN] = ROOM_TEMP_MODE_MIN,
		[CONFIG_ROOM_AGGREGATE_MEAN] = ROOM_TEMP_MODE_MEAN,
		[CONFIG_ROOM_AGGREGATE_FIRST] = ROOM_TEMP_MODE_FIRST,
	};
	struct room *r;
	int rc;

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->event = sd_event_ref(event);
	r->config = config;
	r->alerts = alerts;
	r->cb = cb;
	r->userdata = userdata;
	r->mode = modes[config->room.aggregate];
	room_publish_params_default(&r->publish_params);
	r->publish_params.step_mc = (int32_t) lround(config->room.publish_step_c * 1000);
	r->publish_params.max_interval_usec = config->room.publish_max_usec;
	r->sensors = calloc(config->n_sensors ? config->n_sensors : 1, sizeof(*r->sensors));
	r->healths = calloc(config->n_sensors ? config->n_sensors : 1, sizeof(*r->healths));
	if (!r->sensors || !r->healths) {
		rc = -ENOMEM;
		goto out;
	}
	for (; r->n_sensors < config->n_sensors; r->n_sensors++) {
		r->healths[r->n_sensors] = &r->sensors[r->n_sensors].health;
		rc = sensor_init(r, &r->sensors[r->n_sensors], &config->sensors[r->n_sensors]);
		if (rc < 0) {
			r->n_sensors++; /* so room_free() tears this one down too */
			goto out;
		}
	}
	rc = sd_event_add_time(event, &r->health_timer, CLOCK_MONOTONIC, 0, 0, on_health_timer, r);
	if (rc < 0)
		goto out;
	(void) sd_event_source_set_enabled(r->health_timer, SD_EVENT_OFF);
	*ret = r;
	return 0;
out:
	room_free(r);
	return rc;
}

struct room *room_free(struct room *r)
{
	if (!r)
		return NULL;
	for (size_t i = 0; i < r->n_sensors; i++)
		sensor_done(&r->sensors[i]);
	free(r->sensors);
	free(r->healths);
	r->health_timer = sd_event_source_disable_unref(r->health_timer);
	sd_event_unref(r->event);
	free(r);
	return NULL;
}

int room_start(struct room *r, struct mqtt *mqtt)
{
	int rc;

	for (size_t i = 0; i < r->n_sensors; i++) {
		struct room_sensor *s = &r->sensors[i];

		if (s->cfg->type == CONFIG_SENSOR_TYPE_MQTT)
			rc = mqtt_subscribe(mqtt, s->cfg->topic, 1);
		else
			rc = sd_event_source_set_enabled(s->interval_timer, SD_EVENT_ON);
		if (rc < 0)
			return log_error_errno(rc, "%s: cannot start", s->source);
	}
	arm_health_timer(r);
	return 0;
}

void room_stop(struct room *r, struct mqtt *mqtt)
{
	for (size_t i = 0; i < r->n_sensors; i++) {
		struct room_sensor *s = &r->sensors[i];

		if (s->cfg->type == CONFIG_SENSOR_TYPE_MQTT)
			(void) mqtt_unsubscribe(mqtt, s->cfg->topic);
		stop_attempt(s);
		(void) sd_event_source_set_enabled(s->interval_timer, SD_EVENT_OFF);
		(void) sd_event_source_set_enabled(s->retry_timer, SD_EVENT_OFF);
		if (s->temp)
			temp_source_cancel(s->temp);
	}
	(void) sd_event_source_set_enabled(r->health_timer, SD_EVENT_OFF);
}

bool room_handle_message(struct room *r, const char *topic, const void *payload, size_t len)
{
	bool handled = false;

	for (size_t i = 0; i < r->n_sensors; i++) {
		struct room_sensor *s = &r->sensors[i];
		struct temp_reading reading = { 0 };
		const char *reason = NULL;
		int rc;

		if (s->cfg->type != CONFIG_SENSOR_TYPE_MQTT || strcmp(s->cfg->topic, topic) != 0)
			continue;
		handled = true;
		rc = temp_payload_parse(payload, len, &s->payload, &reading.value_mc, &reason);
		if (rc < 0) {
			log_write(s->payload_bad ? LOG_LEVEL_DEBUG : LOG_LEVEL_WARNING,
				  "%s: refused a %zu-byte payload on '%s': %s, ignoring", s->source,
				  len, topic, reason ? reason : strerror(-rc));
			s->payload_bad = true;
			continue;
		}
		s->payload_bad = false;
		accept_reading(s, &reading);
	}
	return handled;
}

bool room_temperature(const struct room *r, double *ret_c)
{
	if (!r->known)
		return false;
	*ret_c = to_c(r->value_mc);
	return true;
}

static json_t *sensor_state(const struct room_sensor *s, uint64_t now)
{
	bool usable = sensor_health_usable(&s->health, now);
	const char *status = s->health.stale ? "stale" : usable ? "ok" : "waiting";
	uint64_t rejected = 0;

	for (int v = 1; v < READING_CHECK_VERDICT_COUNT; v++)
		rejected += s->check.count[v];
	return json_pack("{s:o, s:s, s:I, s:I}", "temperature",
			 s->health.have_value
			     ? json_real(round(to_c(s->health.value_mc) * 100) / 100)
			     : json_null(),
			 "status", status, "rejected", (json_int_t) rejected, "failed",
			 (json_int_t) s->retry.failures);
}

int room_add_state(const struct room *r, json_t *state)
{
	uint64_t now = clock_monotonic_usec();
	json_t *sensors = json_object();

	if (!sensors)
		return -ENOMEM;
	for (size_t i = 0; i < r->n_sensors; i++)
		json_object_set_new(sensors, r->sensors[i].cfg->name,
				    sensor_state(&r->sensors[i], now));
	json_object_set_new(state, "temperature",
			    r->known ? json_real(round(to_c(r->value_mc) * 100) / 100)
				     : json_null());
	json_object_set_new(state, "sensors", sensors);
	return 0;
}
