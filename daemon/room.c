#include "daemon/room.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "control/thermostat-defaults.h"
#include "daemon/clock.h"
#include "daemon/event-source.h"
#include "daemon/heating-path.h"
#include "daemon/log.h"
#include "daemon/room-internal.h"
#include "sensors/payload-refusals.h"
#include "sensors/reading-check.h"
#include "sensors/room-publish.h"
#include "sensors/room-sensors.h"
#include "sensors/temp-payload.h"
#include "sensors/temp-source.h"
#include "sensors/topic-silence.h"
#include "util/streq.h"

static double to_c(int32_t mc)
{
	return (double) mc / 1000.0;
}

static void arm_health_timer(struct room *r)
{
	uint64_t next = room_publish_next_usec(&r->published, &r->publish_params);

	if (r->held_back && r->published.time_usec + r->publish_params.min_interval_usec < next)
		next = r->published.time_usec + r->publish_params.min_interval_usec;
	if (r->track && room_sensors_next_usec(r->track) < next)
		next = room_sensors_next_usec(r->track);
	(void) event_deadline_set(&r->health, next);
}

/* The highest reading the sensors' jump checks hold back, into @reading. */
static void room_jump_held(const struct room *r, struct room_reading *reading)
{
	reading->jump_held = false;
	reading->jump_held_mc = 0;
	for (size_t i = 0; i < r->n_sensors; i++) {
		const struct room_sensor *s = &r->sensors[i];

		if (s->jump_holding &&
		    (!reading->jump_held || s->jump_held_mc > reading->jump_held_mc)) {
			reading->jump_held = true;
			reading->jump_held_mc = s->jump_held_mc;
		}
	}
}

/*
 * A sensor's jump check began or ended holding its readings back, or holds a
 * new one: heating hears it with the room reading it has (the cut-off heeds a
 * held reading over it: a room really on fire is not waited out at 2 °C a
 * minute, a spike below it changes nothing).
 */
static void jump_hold(struct room_sensor *s, bool holding, int32_t mc)
{
	struct room *r = s->room;

	if (!holding && !s->jump_holding)
		return;
	s->jump_holding = holding;
	s->jump_held_mc = holding ? mc : 0;
	room_jump_held(r, &r->reading);
	if (r->reading_handler)
		r->reading_handler(&r->reading, r->reading_userdata);
	if (r->cb->changed)
		r->cb->changed(r->userdata);
}

/*
 * The room reading is @res->reading now: hands news on to heating (a value it
 * has not had, at the time it was taken), and re-publishes the state when due.
 */
static void room_update(struct room *r, const struct room_sensors_result *res, bool force)
{
	uint64_t now = clock_monotonic_usec();
	uint64_t status = r->track ? room_sensors_status(r->track, now) : 0;
	int32_t mc;

	r->reading = res->reading;
	room_jump_held(r, &r->reading);
	mc = r->reading.known ? r->reading.value_mc : 0;
	if (res->news && r->reading_handler)
		r->reading_handler(&r->reading, r->reading_userdata);
	if (res->news && r->cb->reading)
		r->cb->reading(r->userdata);
	/*
	 * A sensor going stale, waiting or coming back, or the room temperature
	 * becoming known or unknown, is news at once, whatever the interval.
	 */
	if (force || r->reading.known != r->published.known || status != r->published_status ||
	    room_publish_due(&r->published, &r->publish_params, r->reading.known, mc, false, now)) {
		room_publish_mark(&r->published, r->reading.known, mc, now);
		r->published_status = status;
		r->held_back = false;
		if (r->cb->changed)
			r->cb->changed(r->userdata);
	} else {
		/* Due but for the minimum interval? Then ask again when it has passed. */
		struct room_publish later = r->published;

		later.time_usec = now - r->publish_params.min_interval_usec - 1;
		r->held_back =
		    room_publish_due(&later, &r->publish_params, r->reading.known, mc, false, now);
	}
	arm_health_timer(r);
}

/* Readings in a row further apart than the room model learns from, to say so. */
#define SPARSE_RUN 3

/* Checks @reading and, when it passes, takes it; returns whether it passed. */
bool room_accept_reading(struct room_sensor *s, const struct temp_reading *reading)
{
	struct room_sensors_result res;
	bool jump_ended;

	room_sensors_offer(s->room->track, s->index, reading, clock_monotonic_usec(), &res);
	if (res.check.verdict != READING_CHECK_VERDICT_OK) {
		char why[96];

		/* One odd reading is a glitch; a run of them is a sensor to look at. */
		reading_check_explain(res.check.verdict,
				      room_sensors_check_params(s->room->track, s->index), why,
				      sizeof(why));
		if (res.check.verdict == READING_CHECK_VERDICT_JUMP && res.check.persisting)
			jump_hold(s, true,
				  reading->value_mc + (int32_t) lround(s->cfg->offset_c * 1000.0));
		if (res.check.persist_began)
			log_warning("%s: rejected reading %.3f °C (%s: %s), %u in a row: its "
				    "readings are ignored until they are plausible again",
				    s->source, to_c(reading->value_mc),
				    reading_check_verdict_to_string(res.check.verdict), why,
				    res.check.in_a_row);
		else
			log_debug("%s: rejected reading %.3f °C (%s: %s), ignoring", s->source,
				  to_c(reading->value_mc),
				  reading_check_verdict_to_string(res.check.verdict), why);
		/*
		 * The first of a run and the run said are news for the state (its count,
		 * its status); the rest of a broken sensor's flood waits for other news.
		 */
		if ((res.check.in_a_row == 1 || res.check.persist_began) && s->room->cb->changed)
			s->room->cb->changed(s->room->userdata);
		return false;
	}
	if (res.check.persist_ended)
		log_info("%s: readings are plausible again", s->source);
	jump_ended = s->jump_holding;
	s->jump_holding = false; /* room_update() hands the room reading on without it */
	if (res.recovered) {
		log_info("%s: sensor is back", s->source);
		(void) alerts_clear(s->room->alerts, ALERT_SENSOR_STALE, s->source,
				    "The room thermometer is working again.",
				    clock_realtime_usec());
	}
	/* Three in a row: one gap (readings missed, or refused) is not how it reports. */
	s->sparse_run = res.interval_usec > THERMOSTAT_SPARSE_READINGS_USEC ? s->sparse_run + 1 : 0;
	if (s->sparse_run == SPARSE_RUN && !s->sparse_said) {
		s->sparse_said = true;
		log_warning("%s: readings %llu s apart: heating learns the room only from readings "
			    "at most %llu s apart, and acts a reading late (the room swings "
			    "wider); set the device to report every minute or two",
			    s->source, (unsigned long long) (res.interval_usec / 1000000ULL),
			    (unsigned long long) (THERMOSTAT_SPARSE_READINGS_USEC / 1000000ULL));
	}
	room_update(s->room, &res, res.recovered);
	if (jump_ended && !res.news && s->room->reading_handler)
		s->room->reading_handler(&s->room->reading, s->room->reading_userdata);
	return true;
}

static int on_health_timer(sd_event_source *es, uint64_t usec, void *userdata)
{
	struct room *r = userdata;
	struct room_sensors_result res = { 0 };
	bool *stale = r->went_stale;
	uint64_t now = clock_monotonic_usec();
	bool changed = false;

	if (event_deadline_early(&r->health, now))
		return 0;
	if (r->track)
		room_sensors_tick(r->track, now, &res, stale);
	for (size_t i = 0; r->track && i < r->n_sensors; i++) {
		struct room_sensor *s = &r->sensors[i];
		char msg[200];

		if (!stale[i])
			continue;
		changed = true;
		log_warning("%s: no good reading for %llu s: the sensor is stale", s->source,
			    s->cfg->stale_after_usec / 1000000ULL);
		/* In minutes, as a person reads it; a stale_after under two minutes in seconds. */
		bool in_s = s->cfg->stale_after_usec < 120000000ULL;

		snprintf(msg, sizeof(msg),
			 "The room thermometer '%s' has given no good reading for %llu %s.",
			 s->cfg->name, s->cfg->stale_after_usec / (in_s ? 1000000ULL : 60000000ULL),
			 in_s ? "seconds" : "minutes");
		(void) alerts_raise(r->alerts, ALERT_SENSOR_STALE, s->source, msg,
				    clock_realtime_usec());
	}
	room_update(r, &res, changed);
	return 0;
}

/* Arms @s's silence timer for when its silence is due to be said, or stops it. */
static void arm_silence_timer(struct room_sensor *s)
{
	uint64_t due = topic_silence_due_usec(&s->silence);

	if (due == UINT64_MAX)
		(void) sd_event_source_set_enabled(s->silence_timer, SD_EVENT_OFF);
	else
		(void) event_source_arm_at(s->silence_timer, due);
}

static int on_silence_timer(sd_event_source *es, uint64_t usec, void *userdata)
{
	struct room_sensor *s = userdata;
	uint64_t after = s->silence.after_usec;
	bool in_s = after < 120000000ULL;

	if (topic_silence_check(&s->silence, clock_monotonic_usec()))
		log_warning(
		    "%s: no message at all on '%s' in %llu %s since subscribing: is the "
		    "topic spelled as the device publishes it, and is the device on the "
		    "network? (one that reports only on change can be this quiet: set it to "
		    "report every few minutes)",
		    s->source, s->cfg->topic, after / (in_s ? 1000000ULL : 60000000ULL),
		    in_s ? "s" : "min");
	arm_silence_timer(s);
	return 0;
}

/* The thermometers' topics are subscribed on a connection that is up (again). */
static void on_connected(struct mqtt *mqtt, void *userdata)
{
	struct room *r = userdata;
	uint64_t now = clock_monotonic_usec();

	for (size_t i = 0; i < r->n_sensors; i++)
		if (r->sensors[i].silence_timer) {
			topic_silence_listen(&r->sensors[i].silence, now);
			arm_silence_timer(&r->sensors[i]);
		}
}

static void on_disconnected(struct mqtt *mqtt, void *userdata)
{
	struct room *r = userdata;

	for (size_t i = 0; i < r->n_sensors; i++)
		if (r->sensors[i].silence_timer) {
			topic_silence_pause(&r->sensors[i].silence);
			arm_silence_timer(&r->sensors[i]);
		}
}

static const struct mqtt_watch_callbacks watch_callbacks = {
	.connected = on_connected,
	.disconnected = on_disconnected,
};

static int sensor_init(struct room *r, struct room_sensor *s, const struct config_sensor *cfg)
{
	uint64_t now = clock_monotonic_usec();
	int rc;

	s->room = r;
	s->cfg = cfg;
	snprintf(s->source, sizeof(s->source), "sensor.%s", cfg->name);
	if (cfg->type == CONFIG_SENSOR_TYPE_MQTT) {
		s->payload = (struct temp_payload_params){ .json_key = cfg->json_key,
							   .fahrenheit = cfg->fahrenheit };
		topic_silence_init(&s->silence, cfg->max_age_usec);
		rc = sd_event_add_time(r->event, &s->silence_timer, CLOCK_MONOTONIC, now, 0,
				       on_silence_timer, s);
		if (rc >= 0)
			rc = event_source_describe(s->silence_timer, "room-%s-silence", cfg->name);
		if (rc >= 0)
			rc = sd_event_source_set_enabled(s->silence_timer, SD_EVENT_OFF);
		return rc;
	}

	s->type_name = config_sensor_type_to_string(cfg->type);
	(void) room_sysfs_open(s, LOG_LEVEL_ERROR);
	rc = sd_event_add_time(r->event, &s->interval_timer, CLOCK_MONOTONIC, now, 0,
			       room_on_interval_timer, s);
	if (rc >= 0)
		rc = event_source_describe(s->interval_timer, "room-%s-interval", cfg->name);
	if (rc >= 0)
		rc = sd_event_source_set_enabled(s->interval_timer, SD_EVENT_OFF);
	if (rc >= 0)
		rc = sd_event_add_time(r->event, &s->retry_timer, CLOCK_MONOTONIC, now, 0,
				       room_on_retry_timer, s);
	if (rc >= 0)
		rc = event_source_describe(s->retry_timer, "room-%s-retry", cfg->name);
	if (rc >= 0)
		rc = sd_event_source_set_enabled(s->retry_timer, SD_EVENT_OFF);
	return rc;
}

static void sensor_done(struct room_sensor *s)
{
	room_sysfs_stop(s);
	s->slot = mqtt_slot_free(s->slot);
	s->interval_timer = sd_event_source_disable_unref(s->interval_timer);
	s->retry_timer = sd_event_source_disable_unref(s->retry_timer);
	s->silence_timer = sd_event_source_disable_unref(s->silence_timer);
	s->temp = temp_source_free(s->temp);
}

int room_new(sd_event *event, const struct config *config, struct alerts *alerts,
	     const struct room_callbacks *cb, void *userdata, struct room **ret)
{
	struct room *r;
	int rc;

	assert(event);
	assert(config);
	assert(alerts);
	assert(cb);
	assert(ret);
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->event = sd_event_ref(event);
	r->config = config;
	r->alerts = alerts;
	r->cb = cb;
	r->userdata = userdata;
	room_publish_params_default(&r->publish_params);
	r->publish_params.step_mc = (int32_t) lround(config->room.publish_step_c * 1000);
	r->publish_params.max_interval_usec = config->room.publish_max_usec;
	r->sensors = calloc(config->n_sensors ? config->n_sensors : 1, sizeof(*r->sensors));
	r->went_stale = calloc(config->n_sensors ? config->n_sensors : 1, sizeof(*r->went_stale));
	if (!r->sensors || !r->went_stale) {
		rc = -ENOMEM;
		goto out;
	}
	/* The checks and health of each sensor: the same as the benchmarks' (heating-path.h). */
	rc = heating_path_sensors_new(config, clock_monotonic_usec(), &r->track);
	if (rc < 0)
		goto out;
	for (; r->n_sensors < config->n_sensors; r->n_sensors++) {
		r->sensors[r->n_sensors].index = r->n_sensors;
		rc = sensor_init(r, &r->sensors[r->n_sensors], &config->sensors[r->n_sensors]);
		if (rc < 0) {
			r->n_sensors++; /* so room_free() tears this one down too */
			goto out;
		}
	}
	rc = sd_event_add_time(event, &r->health.timer, CLOCK_MONOTONIC, 0, 0, on_health_timer, r);
	if (rc >= 0)
		rc = event_source_describe(r->health.timer, "room-health");
	if (rc < 0)
		goto out;
	(void) sd_event_source_set_enabled(r->health.timer, SD_EVENT_OFF);
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
	r->watch = mqtt_slot_free(r->watch);
	for (size_t i = 0; i < r->n_sensors; i++)
		sensor_done(&r->sensors[i]);
	free(r->sensors);
	free(r->went_stale);
	r->track = room_sensors_free(r->track);
	r->health.timer = sd_event_source_disable_unref(r->health.timer);
	sd_event_unref(r->event);
	free(r);
	return NULL;
}

/* The same thermometer, set up alike: every key of the section (the key table's), not its line. */
/*
 * The same device, read the same way. The calibration offset may differ: the
 * reading goes on with the new one (room_sensors_adopt()), so that correcting
 * a thermometer at night does not stop the heating until it reports again.
 */
static bool sensors_alike(const struct config_sensor *a, const struct config_sensor *b)
{
	struct config_sensor b_as_a = *b;

	b_as_a.offset_c = a->offset_c;
	return config_section_equal("sensor", a, &b_as_a);
}

/*
 * Sensor @i was made anew by the reload: it starts healthy, and nothing would
 * clear a sensor_stale alert the old one left. The alert is checked as after a
 * restart (alerts_recheck()): confirmed if the new sensor goes stale too within
 * its stale_after, else cleared then, saying so.
 */
static void recheck_stale(struct room *r, size_t i)
{
	(void) alerts_recheck(r->alerts, ALERT_SENSOR_STALE, r->sensors[i].source,
			      r->sensors[i].cfg->stale_after_usec + ALERTS_RECHECK_SLACK_USEC);
}

bool room_adopt(struct room *r, const struct room *old)
{
	size_t adopted = 0;

	assert(r);
	assert(old);
	if (!r->track || !old->track) {
		for (size_t i = 0; i < r->n_sensors; i++)
			recheck_stale(r, i);
		return r->n_sensors == old->n_sensors;
	}
	for (size_t i = 0; i < r->n_sensors; i++) {
		bool kept = false;

		for (size_t j = 0; j < old->n_sensors && !kept; j++) {
			if (!sensors_alike(r->sensors[i].cfg, old->sensors[j].cfg))
				continue;
			room_sensors_adopt(r->track, i, old->track, j);
			if (r->sensors[i].cfg->offset_c != old->sensors[j].cfg->offset_c)
				log_info("%s: offset %+.2f °C (was %+.2f): its last reading goes "
					 "on with it",
					 r->sensors[i].source, r->sensors[i].cfg->offset_c,
					 old->sensors[j].cfg->offset_c);
			r->sensors[i].retry = old->sensors[j].retry;
			r->sensors[i].failing = old->sensors[j].failing;
			r->sensors[i].refusals = old->sensors[j].refusals;
			r->sensors[i].silence = old->sensors[j].silence;
			/* Listening starts again on this one's connection (room_start()). */
			topic_silence_pause(&r->sensors[i].silence);
			kept = true;
			adopted++;
		}
		if (!kept)
			recheck_stale(r, i);
	}
	room_sensors_adopt_news(r->track, old->track);
	r->reading = room_sensors_reading(r->track, clock_monotonic_usec());
	r->published = old->published;
	r->published_status = old->published_status;
	return adopted == r->n_sensors && r->n_sensors == old->n_sensors;
}

void room_current_reading(const struct room *r, struct room_reading *ret)
{
	assert(r);
	assert(ret);
	*ret = r->reading;
}

void room_set_reading_handler(struct room *r,
			      void (*handler)(const struct room_reading *reading, void *userdata),
			      void *userdata)
{
	assert(r);
	r->reading_handler = handler;
	r->reading_userdata = userdata;
}

static void on_thermometer_message(const struct mqtt_message *msg, void *userdata)
{
	struct room_sensor *s = userdata;
	struct temp_reading reading = { 0 };
	enum temp_payload_unit unit = TEMP_PAYLOAD_UNIT_CONFIG;
	const char *reason = NULL, *hint;
	int rc;

	/* Any message, even one refused below, shows the topic is the device's. */
	if (!s->silence.heard) {
		if (topic_silence_heard(&s->silence))
			log_info("%s: a first message arrived on '%s'", s->source, msg->topic);
		arm_silence_timer(s);
	}
	/*
	 * A retained value is of unknown age (ESPHome retains its states): taken as
	 * a reading on every (re)subscribe, a thermometer long dead would "come
	 * back" with it. Only a value sent now is a reading.
	 */
	if (msg->retained) {
		log_debug("%s: ignoring the retained value on '%s': its age is unknown", s->source,
			  msg->topic);
		return;
	}
	rc = temp_payload_parse_unit(msg->payload, msg->len, &s->payload, &reading.value_mc, &unit,
				     &reason);
	if (rc < 0) {
		log_write(payload_refusals_warn(&s->refusals, rc, clock_monotonic_usec())
			      ? LOG_LEVEL_WARNING
			      : LOG_LEVEL_DEBUG,
			  "%s: refused a %zu-byte payload on '%s': %s, ignoring", s->source,
			  msg->len, msg->topic, reason ? reason : strerror(-rc));
		return;
	}
	/*
	 * Only a reading the checks take ends the refusals: one they reject (85 °C,
	 * -127 °C) is no sign the device is well, and is said by the checks.
	 */
	payload_refusals_parsed(&s->refusals);
	/* Said once a run, as the hint below: the payload's unit wins over the setting. */
	if (unit == TEMP_PAYLOAD_UNIT_C && s->payload.fahrenheit && !s->unit_said) {
		s->unit_said = true;
		log_warning("%s: the payload on '%s' says \"TempUnit\":\"C\": its values are "
			    "taken as °C, as the device says; fahrenheit = yes in [%s] is for "
			    "payloads without a unit, ignoring it",
			    s->source, msg->topic, s->source);
	}
	/* Asked once a run, of a payload without a unit: no work on the readings after. */
	hint = s->unit_asked || unit != TEMP_PAYLOAD_UNIT_CONFIG
		   ? NULL
		   : temp_payload_unit_hint(reading.value_mc, s->payload.fahrenheit);
	if (hint) {
		s->unit_asked = true; /* a room does get that warm or cold */
		log_warning("%s: %.1f °C is not a bedroom's temperature: %s in [%s]", s->source,
			    to_c(reading.value_mc), hint, s->source);
	}
	if (room_accept_reading(s, &reading) && payload_refusals_accepted(&s->refusals))
		log_info("%s: payloads on '%s' are readable again", s->source, msg->topic);
}

int room_start(struct room *r, struct mqtt *mqtt)
{
	int rc;

	assert(r);
	assert(mqtt);
	rc = mqtt_watch(mqtt, &watch_callbacks, r, &r->watch);
	if (rc < 0)
		return log_error_errno(rc, "room: cannot watch the MQTT connection");
	for (size_t i = 0; i < r->n_sensors; i++) {
		struct room_sensor *s = &r->sensors[i];

		/*
		 * QoS 0: the session is persistent (daemon/mqtt.c), and for a QoS 1
		 * subscription the broker keeps what the thermometer sent while
		 * bedroomd was away and delivers it at the reconnect, not retained:
		 * a reading of long ago that would count as taken now. At QoS 0 the
		 * broker queues nothing for it; a missed reading is only a missed
		 * one, and the next comes within the device's interval.
		 */
		if (s->cfg->type == CONFIG_SENSOR_TYPE_MQTT)
			rc = mqtt_subscribe(mqtt, s->cfg->topic, 0, on_thermometer_message, s,
					    &s->slot);
		else
			rc = sd_event_source_set_enabled(s->interval_timer, SD_EVENT_ON);
		if (rc < 0)
			return log_error_errno(rc, "%s: cannot start", s->source);
	}
	/* Started on a live connection (a reload): subscribed now. */
	if (mqtt_is_connected(mqtt))
		on_connected(mqtt, r);
	arm_health_timer(r);
	return 0;
}

void room_stop(struct room *r)
{
	assert(r);
	r->watch = mqtt_slot_free(r->watch);
	for (size_t i = 0; i < r->n_sensors; i++) {
		struct room_sensor *s = &r->sensors[i];

		s->slot = mqtt_slot_free(s->slot);
		(void) sd_event_source_set_enabled(s->silence_timer, SD_EVENT_OFF);
		room_sysfs_stop(s);
		(void) sd_event_source_set_enabled(s->interval_timer, SD_EVENT_OFF);
		(void) sd_event_source_set_enabled(s->retry_timer, SD_EVENT_OFF);
		if (s->temp)
			temp_source_cancel(s->temp);
	}
	(void) sd_event_source_set_enabled(r->health.timer, SD_EVENT_OFF);
}

bool room_temperature(const struct room *r, double *ret_c)
{
	assert(r);
	assert(ret_c);
	if (!r->reading.known)
		return false;
	*ret_c = to_c(r->reading.value_mc);
	return true;
}

static json_t *sensor_state(const struct room *r, size_t i, uint64_t now)
{
	const struct sensor_health *h = room_sensors_health(r->track, i);
	const struct reading_check_state *check = room_sensors_checks(r->track, i);
	bool usable = sensor_health_usable(h, now);
	/* Its readings rejected in a row, long enough to be said: the value shown is older. */
	bool rejecting = check->in_a_row >= room_sensors_check_params(r->track, i)->persist_after;
	const char *status = h->stale    ? "stale"
			     : rejecting ? "rejecting"
			     : usable    ? "ok"
					 : "waiting";
	uint64_t rejected = 0;

	for (int v = 1; v < READING_CHECK_VERDICT_COUNT; v++)
		rejected += check->count[v];
	return json_pack("{s:o, s:s, s:I, s:I}", "temperature",
			 h->have_value ? json_real(round(to_c(h->value_mc) * 100) / 100)
				       : json_null(),
			 "status", status, "rejected", (json_int_t) rejected, "failed",
			 (json_int_t) r->sensors[i].retry.failures);
}

uint64_t room_alert_horizon_usec(const struct room *r, const char *source)
{
	assert(r);
	for (size_t i = 0; i < r->n_sensors; i++)
		if (strcmp(source, r->sensors[i].source) == 0)
			return r->sensors[i].cfg->stale_after_usec;
	return 0;
}

int room_add_state(struct room *r, json_t *state)
{
	uint64_t now = clock_monotonic_usec();
	json_t *sensors = json_object();

	assert(r);
	assert(state);
	if (!sensors)
		return -ENOMEM;
	for (size_t i = 0; i < r->n_sensors; i++)
		json_object_set_new(sensors, r->sensors[i].cfg->name, sensor_state(r, i, now));
	json_object_set_new(state, "temperature",
			    r->reading.known
				? json_real(round(to_c(r->reading.value_mc) * 100) / 100)
				: json_null());
	json_object_set_new(state, "sensors", sensors);
	/*
	 * Whoever publishes the state (heating switching, a cramp), the room's value
	 * goes with it: what is published now is what a change is measured against.
	 */
	room_publish_mark(&r->published, r->reading.known,
			  r->reading.known ? r->reading.value_mc : 0, now);
	r->held_back = false;
	arm_health_timer(r);
	return 0;
}
