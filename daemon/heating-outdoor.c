/*
 * The outdoor thermometer (heating.outdoor_topic): its readings into the
 * thermostat's input, what the journal says about them, and the state's
 * "outdoor". The thermostat uses the last value until the next one, however
 * old (control/ has no age limit for it): the state gives the value's time, so
 * its age is there to see.
 */
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <string.h>

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

int heating_outdoor_init(struct heating *h)
{
	int r;

	assert(h);
	topic_silence_init(&h->outdoor.silence, 0);
	if (!h->config->heating.outdoor_topic)
		return 0;
	r = sd_event_add_time(h->event, &h->outdoor.silence_timer, CLOCK_MONOTONIC, 0, 0,
			      on_silence_timer, h);
	if (r >= 0)
		r = event_source_describe(h->outdoor.silence_timer, "heating-outdoor-silence");
	if (r >= 0)
		r = sd_event_source_set_enabled(h->outdoor.silence_timer, SD_EVENT_OFF);
	return r;
}

void heating_outdoor_done(struct heating *h)
{
	h->outdoor.silence_timer = sd_event_source_disable_unref(h->outdoor.silence_timer);
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
	 * One that is the value in use (again at a reconnect) keeps that one's time.
	 */
	if (!msg->retained || !h->in.outdoor_known || h->outdoor.retained ||
	    h->in.outdoor_c != (double) mc / 1000.0) {
		h->outdoor.at_usec = clock_monotonic_usec();
		h->outdoor.retained = msg->retained;
	}
	heating_path_outdoor(&h->in, mc);
	log_debug("heating: outdoor %.3f °C%s", h->in.outdoor_c,
		  msg->retained ? " (retained)" : "");
	if (h->outdoor.said)
		return;
	h->outdoor.said = true;
	say_first(h, msg->topic);
	if (h->cb && h->cb->changed)
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

	if (!h->in.outdoor_known || !isfinite(h->in.outdoor_c))
		return json_null();
	if (h->outdoor.retained ||
	    clock_format_local(to_realtime(h->outdoor.at_usec), time, sizeof(time)) < 0)
		time[0] = '\0';
	return json_pack("{s:f, s:o}", "temperature", round(h->in.outdoor_c * 100) / 100, "time",
			 time[0] ? json_string(time) : json_null());
}
