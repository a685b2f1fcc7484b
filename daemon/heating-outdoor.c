/*
 * The outdoor thermometer (heating.outdoor_topic): its readings into the
 * thermostat's input, what the journal says about them, and the state's
 * "outdoor". The thermostat uses the last value until it is
 * THERMOSTAT_DEFAULT_OUTDOOR_MAX_AGE_USEC old (a timer armed for then): a
 * sensor dead since a mild afternoon must not start the evening's pre-heat
 * late nor teach the model a false loss. Past that the thermostat is told the
 * outdoor temperature is unknown, as without an outdoor_topic, until a new one
 * comes (a warning when it goes stale, an info line when one comes); the state
 * keeps the last value and its time. A retained value, of unknown age, is
 * used as one that came when it arrived: the limit counts from then.
 */
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#include "control/thermostat-defaults.h"
#include "daemon/clock.h"
#include "daemon/event-source.h"
#include "daemon/heating-internal.h"
#include "daemon/heating-path.h"
#include "daemon/log.h"
#include "sensors/temp-payload.h"

/* Outdoor temperatures bedroomd believes: colder or warmer is a sensor's error value. */
#define OUTDOOR_MIN_MC (-60000)
#define OUTDOOR_MAX_MC 60000

/* The wall-clock time of monotonic @monotonic_usec: right across a clock step (NTP at boot). */
static uint64_t to_realtime(uint64_t monotonic_usec)
{
	uint64_t mono = clock_monotonic_usec(), real = clock_realtime_usec();
	uint64_t ago = mono > monotonic_usec ? mono - monotonic_usec : 0;

	return real > ago ? real - ago : real;
}

static void arm_silence_timer(struct heating *h)
{
	uint64_t due = topic_silence_due_usec(&h->outdoor.silence);

	if (!h->outdoor.silence_timer)
		return;
	if (due == UINT64_MAX)
		(void) sd_event_source_set_enabled(h->outdoor.silence_timer, SD_EVENT_OFF);
	else
		(void) event_source_arm_at(h->outdoor.silence_timer, due);
}

static int on_silence_timer(sd_event_source *es, uint64_t usec, void *userdata)
{
	struct heating *h = userdata;

	if (h->off) {
		/* Stopped: nothing more to say, and its due time would fire again at once. */
		(void) sd_event_source_set_enabled(es, SD_EVENT_OFF);
		return 0;
	}
	if (topic_silence_check(&h->outdoor.silence, clock_monotonic_usec()))
		log_warning("heating: no message at all on outdoor_topic '%s' in %llu min since "
			    "subscribing: is the topic spelled as the device publishes it, and is "
			    "the device on the network? Pre-heat goes on without an outdoor "
			    "temperature",
			    h->config->heating.outdoor_topic,
			    (unsigned long long) (h->outdoor.silence.after_usec / MINUTE_USEC));
	arm_silence_timer(h);
	return 0;
}

/* The age timer armed for when the value in use gets too old, or stopped without one. */
static void arm_age_timer(struct heating *h)
{
	if (!h->outdoor.age_timer)
		return;
	if (!h->in.outdoor_known || h->outdoor.stale)
		(void) sd_event_source_set_enabled(h->outdoor.age_timer, SD_EVENT_OFF);
	else
		(void) event_source_arm_at(h->outdoor.age_timer,
					   h->outdoor.at_usec + h->outdoor.max_age_usec);
}

/* How long ago monotonic @at_usec was, in words: "3 h 05 min". */
static void format_age(uint64_t at_usec, char *buf, size_t size)
{
	uint64_t now = clock_monotonic_usec();
	uint64_t min = now > at_usec ? (now - at_usec) / MINUTE_USEC : 0;

	if (min >= 60)
		snprintf(buf, size, "%llu h %02llu min", (unsigned long long) (min / 60),
			 (unsigned long long) (min % 60));
	else
		snprintf(buf, size, "%llu min", (unsigned long long) min);
}

static int on_age_timer(sd_event_source *es, uint64_t usec, void *userdata)
{
	struct heating *h = userdata;
	char age[32];

	if (h->off || !h->in.outdoor_known || h->outdoor.stale) {
		(void) sd_event_source_set_enabled(es, SD_EVENT_OFF);
		return 0;
	}
	if (clock_monotonic_usec() < h->outdoor.at_usec + h->outdoor.max_age_usec) {
		arm_age_timer(h);
		return 0;
	}
	h->outdoor.stale = true;
	h->in.outdoor_known = false; /* in.outdoor_c stays: the state shows it */
	format_age(h->outdoor.at_usec, age, sizeof(age));
	log_warning("heating: no new outdoor temperature on '%s' for %s (the last, %.1f °C, "
		    "%s): too old to use; pre-heat and the model go on without an outdoor "
		    "temperature until one comes. Is the outdoor thermometer working?",
		    h->config->heating.outdoor_topic, age, h->in.outdoor_c,
		    h->outdoor.retained ? "came retained, its age unknown" : "is in the state");
	/* Decided again now, without it (heating.c's step, through its wake-up timer). */
	if (h->wake.timer)
		(void) event_deadline_set(&h->wake, clock_monotonic_usec());
	return 0;
}

int heating_outdoor_init(struct heating *h)
{
	int r;

	assert(h);
	topic_silence_init(&h->outdoor.silence, 0);
	h->outdoor.max_age_usec = THERMOSTAT_DEFAULT_OUTDOOR_MAX_AGE_USEC;
	if (!h->config->heating.outdoor_topic)
		return 0;
	r = event_add_idle_timer(h->event, &h->outdoor.silence_timer, on_silence_timer, h,
				 "heating-outdoor-silence");
	if (r >= 0)
		r = event_add_idle_timer(h->event, &h->outdoor.age_timer, on_age_timer, h,
					 "heating-outdoor-age");
	return r;
}

void heating_outdoor_done(struct heating *h)
{
	h->outdoor.silence_timer = sd_event_source_disable_unref(h->outdoor.silence_timer);
	h->outdoor.age_timer = sd_event_source_disable_unref(h->outdoor.age_timer);
}

void heating_outdoor_connection(struct heating *h, bool connected)
{
	if (!h->outdoor.silence_timer)
		return;
	if (connected)
		topic_silence_listen(&h->outdoor.silence, clock_monotonic_usec());
	else
		topic_silence_pause(&h->outdoor.silence);
	arm_silence_timer(h);
}

/* The first reading, said once: the person learns that pre-heat has it, and from where. */
static void say_first(const struct heating *h, const char *topic)
{
	log_info("heating: outdoor temperature from '%s': %.1f °C%s, %s", topic, h->in.outdoor_c,
		 h->outdoor.retained ? " (retained: its age is unknown)" : "",
		 h->thermostat ? "used for the pre-heat and the model"
			       : "unused: no heater is configured");
}

void heating_outdoor_receive(struct heating *h, const struct mqtt_message *msg)
{
	struct temp_payload_params p = { .json_key = h->config->heating.outdoor_json_key };
	const char *reason = NULL;
	bool news;
	int32_t mc;
	int r;

	assert(h);
	assert(msg);
	/* Any message, even one refused below, shows the topic is the device's. */
	if (!h->outdoor.silence.heard) {
		(void) topic_silence_heard(&h->outdoor.silence);
		arm_silence_timer(h);
	}
	r = temp_payload_parse(msg->payload, msg->len, &p, &mc, &reason);
	/* Not weather: a DS18B20's power-on 85 °C or its read error -127 °C would mislead pre-heat.
	 */
	if (r >= 0 && (mc < OUTDOOR_MIN_MC || mc > OUTDOOR_MAX_MC)) {
		r = -ERANGE;
		reason =
		    "outside -60 to 60 °C, not an outdoor temperature (a sensor's error value?)";
	}
	if (r < 0) {
		log_write(payload_refusals_warn(&h->outdoor.refusals, r, clock_monotonic_usec())
			      ? LOG_LEVEL_WARNING
			      : LOG_LEVEL_DEBUG,
			  "heating: refused a %zu-byte outdoor temperature on '%s': %s, ignoring",
			  msg->len, msg->topic, reason ? reason : strerror(-r));
		return;
	}
	/* Before the first reading, that line says it. */
	if (payload_refusals_accepted(&h->outdoor.refusals) && h->outdoor.said)
		log_info("heating: outdoor temperatures on '%s' are readable again", msg->topic);
	/*
	 * A retained value was sent some time before: when, the broker does not say.
	 * One that is the value in use (again at a reconnect) keeps that one's time,
	 * and the last value, too old, stays too old: the dead sensor's retained copy.
	 */
	if (msg->retained && h->outdoor.stale && h->in.outdoor_c == (double) mc / 1000.0) {
		log_debug("heating: outdoor %.3f °C (retained), the value too old already, "
			  "ignoring",
			  h->in.outdoor_c);
		return;
	}
	if (!msg->retained || !h->in.outdoor_known || h->outdoor.retained ||
	    h->in.outdoor_c != (double) mc / 1000.0) {
		h->outdoor.at_usec = clock_monotonic_usec();
		h->outdoor.retained = msg->retained;
	}
	news = !h->in.outdoor_known || h->outdoor.stale || h->in.outdoor_c != (double) mc / 1000.0;
	heating_path_outdoor(&h->in, mc);
	if (h->outdoor.stale) {
		h->outdoor.stale = false;
		if (h->outdoor.said) /* if not, the first reading's line below says it */
			log_info(
			    "heating: outdoor temperature on '%s' again: %.1f °C%s, used for the "
			    "pre-heat and the model",
			    msg->topic, h->in.outdoor_c, msg->retained ? " (retained)" : "");
	}
	arm_age_timer(h);
	log_debug("heating: outdoor %.3f °C%s", h->in.outdoor_c,
		  msg->retained ? " (retained)" : "");
	if (!h->outdoor.said) {
		h->outdoor.said = true;
		say_first(h, msg->topic);
	}
	/*
	 * A new value is in the state at once; the same again (a zigbee2mqtt
	 * device's every attribute, a retained copy) waits for other news.
	 */
	if (news && h->cb && h->cb->changed)
		h->cb->changed(h->userdata);
}

/* The same thermometer in the old and the new configuration: what was said of it holds. */
static bool same_thermometer(const struct config_heating *a, const struct config_heating *b)
{
	const char *ka = a->outdoor_json_key ? a->outdoor_json_key : "";
	const char *kb = b->outdoor_json_key ? b->outdoor_json_key : "";

	return a->outdoor_topic && b->outdoor_topic &&
	       strcmp(a->outdoor_topic, b->outdoor_topic) == 0 && strcmp(ka, kb) == 0;
}

void heating_outdoor_adopt(struct heating *h, const struct heating *old)
{
	assert(h);
	assert(old);
	/* The outdoor_topic removed: no outdoor temperature, not the last one forever. */
	if (!h->config->heating.outdoor_topic)
		return;
	/* Heating is not blind after a reload: the value goes on, a changed topic's too. */
	h->in.outdoor_known = old->in.outdoor_known;
	h->in.outdoor_c = old->in.outdoor_c;
	h->outdoor.at_usec = old->outdoor.at_usec;
	h->outdoor.retained = old->outdoor.retained;
	h->outdoor.stale = old->outdoor.stale;
	h->outdoor.max_age_usec = old->outdoor.max_age_usec;
	arm_age_timer(h);
	if (!same_thermometer(&h->config->heating, &old->config->heating))
		return;
	h->outdoor.said = old->outdoor.said;
	h->outdoor.refusals = old->outdoor.refusals;
	h->outdoor.silence = old->outdoor.silence;
	/* Listening starts again on this one's connection (heating_start()). */
	topic_silence_pause(&h->outdoor.silence);
}

json_t *heating_outdoor_state(const struct heating *h)
{
	char time[40];

	if ((!h->in.outdoor_known && !h->outdoor.stale) || !isfinite(h->in.outdoor_c))
		return json_null();
	if (h->outdoor.retained ||
	    clock_format_local(to_realtime(h->outdoor.at_usec), time, sizeof(time)) < 0)
		time[0] = '\0';
	return json_pack("{s:f, s:o}", "temperature", round(h->in.outdoor_c * 100) / 100, "time",
			 time[0] ? json_string(time) : json_null());
}
