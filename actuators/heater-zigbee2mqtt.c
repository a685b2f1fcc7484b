/*
 * zigbee2mqtt: a plug by its friendly name under the base topic.
 *
 *  command   <base>/<name>/set {"state":"ON"} / {"state":"OFF"}, then
 *            <base>/<name>/get {"state":""}: zigbee2mqtt reads the relay and
 *            publishes its state. Without that an ON with on_time is never
 *            confirmed: zigbee2mqtt publishes no state for it, and a plug whose
 *            relay did not change (the keep-alive) reports nothing.
 *  dead-man  {"state":"ON","on_time":<s>}: zigbee2mqtt sends the Zigbee On With
 *            Timed Off command, and a re-sent ON extends the time. It sends
 *            on_time in tenths of a second in 16 bits: at most 6553 s (the
 *            configuration refuses more). Some firmware ignores the command
 *            (the plug stays off: zigbee2mqtt issues #23845, #27913, #32478).
 *            The state read back after an ON with on_time says so: answered
 *            OFF twice in a row and never ON, the plug gets plain ON from then
 *            on (until a restart or reload) and heater_preset_has_dead_man()
 *            turns false, which the daemon says once. Twice, not once: a
 *            report already on its way (a power reading with the old state)
 *            may say OFF before the ON arrives. Such a plug has no dead-man:
 *            it stays on if bedroomd dies. A plug that takes the ON but
 *            ignores on_time cannot be told apart: check the device.
 *  state     <base>/<name> {"state":"ON","power":1480,"energy":12.3,...} (W, kWh),
 *            the read-back's answer too. Another string as "state" is the
 *            device's word, not a payload to refuse: the relay is not known,
 *            and heater-answers.c takes the plug as not confirmed (as the
 *            generic preset's words). A report without "state" (other values only)
 *            says nothing of the relay; a "state" of another JSON type is
 *            refused.
 *  online    <base>/<name>/availability: "online" / "offline" (legacy) or
 *            {"state":"online"} (zigbee2mqtt 1.32+); needs availability enabled
 *            in zigbee2mqtt.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "actuators/heater-defaults.h"
#include "actuators/heater-preset-internal.h"

#define USEC_PER_SEC 1000000ULL

/* ONs with on_time in a row answered OFF before the plug gets plain ON; see the top. */
#define TIMED_ON_IGNORED_MAX 2

enum {
	T_STATE,
	T_AVAILABILITY,
};

static int z2m_setup(struct heater_preset *hp)
{
	const char *base = hp->p.base_topic, *name = hp->p.topic;
	int r;

	if (!heater_topic_valid(base) || !heater_topic_valid(name))
		return -EINVAL;
	if ((r = heater_subscribe(hp, "%s/%s", base, name)) < 0 ||
	    (r = heater_subscribe(hp, "%s/%s/availability", base, name)) < 0)
		return r;
	hp->command_topic = heater_strdupf("%s/%s/set", base, name);
	hp->command_topic2 = heater_strdupf("%s/%s/get", base, name);
	return hp->command_topic && hp->command_topic2 ? 0 : -ENOMEM;
}

static int z2m_command(struct heater_preset *hp, bool on, uint64_t auto_off_usec,
		       struct heater_messages *ret)
{
	uint64_t usec = auto_off_usec, s;
	const char *set = "{\"state\":\"OFF\"}";
	char payload[64];
	int r;

	if (usec > HEATER_ZIGBEE2MQTT_ON_TIME_MAX_USEC) /* refused by the configuration */
		usec = HEATER_ZIGBEE2MQTT_ON_TIME_MAX_USEC;
	s = usec / USEC_PER_SEC;
	if (on && usec == 0)
		set = "{\"state\":\"ON\"}";
	else if (on) {
		snprintf(payload, sizeof(payload), "{\"state\":\"ON\",\"on_time\":%llu}",
			 (unsigned long long) (s < 1 ? 1 : s));
		set = payload;
	}
	r = heater_messages_add(ret, hp->command_topic, set);
	if (r < 0)
		return r;
	r = heater_messages_add(ret, hp->command_topic2, "{\"state\":\"\"}");
	if (r < 0)
		return r;
	hp->timed_on_unanswered = on && usec > 0;
	hp->timed_on_off_heard = false;
	return 0;
}

/* What a relay state in a report says of on_time; see the top of this file. */
static void timed_on_heard(struct heater_preset *hp, enum heater_relay relay)
{
	if (relay == HEATER_RELAY_ON) {
		hp->timed_on_unanswered = false;
		hp->timed_on_ignored = 0;
	} else if (relay == HEATER_RELAY_OFF && hp->timed_on_unanswered &&
		   !hp->timed_on_off_heard) {
		hp->timed_on_off_heard = true;
		if (++hp->timed_on_ignored >= TIMED_ON_IGNORED_MAX)
			hp->timed_on_refused = true;
	}
}

static int parse_state(struct json_t *root, struct heater_update *ret)
{
	struct json_t *v;
	bool bad = false;
	int r;

	v = json_path_lookup(root, "state");
	if (v) {
		r = heater_json_relay(v, "ON", "OFF", true, &ret->relay);
		if (r == -EBADMSG) /* a string, neither ON nor OFF: the device's word */
			heater_word_set(&ret->word, HEATER_WORD_STATE, json_string_value(v),
					json_string_length(v));
		else if (r < 0)
			return r;
	}
	/* A reading that cannot be read stays unknown: the relay state beside it holds. */
	bad |= heater_json_reading(json_path_lookup(root, "power"), &ret->power_w,
				   &ret->power_known) < 0;
	bad |= heater_json_reading(json_path_lookup(root, "energy"), &ret->energy_kwh,
				   &ret->energy_known) < 0;
	/* Nothing else to take: refused, so the daemon says so (at debug level). */
	if (bad && ret->relay == HEATER_RELAY_UNKNOWN && ret->word.kind == HEATER_WORD_NONE &&
	    !ret->power_known && !ret->energy_known)
		return -EINVAL;
	return 0;
}

static int parse_availability(const char *data, size_t len, struct heater_update *ret)
{
	struct json_t *root = NULL, *v;
	const char *s;
	int r;

	if (heater_payload_is(data, len, "online", false)) {
		ret->availability = HEATER_AVAILABILITY_ONLINE;
		return 0;
	}
	if (heater_payload_is(data, len, "offline", false)) {
		ret->availability = HEATER_AVAILABILITY_OFFLINE;
		return 0;
	}
	r = heater_json_load(data, len, &root);
	if (r < 0)
		return r;
	v = json_path_lookup(root, "state");
	s = json_string_value(v);
	if (v && !s)
		r = -EINVAL;
	else if (s && strcmp(s, "online") == 0)
		ret->availability = HEATER_AVAILABILITY_ONLINE;
	else if (s && strcmp(s, "offline") == 0)
		ret->availability = HEATER_AVAILABILITY_OFFLINE;
	else
		r = -EBADMSG; /* no "state", or another word */
	heater_json_free(root);
	return r;
}

static int z2m_parse(struct heater_preset *hp, const char *topic, const char *data, size_t len,
		     struct heater_update *ret)
{
	struct json_t *root;
	int r;

	switch (heater_topic_index(hp, topic)) {
	case T_STATE:
		r = heater_json_load(data, len, &root);
		if (r < 0)
			return r;
		r = parse_state(root, ret);
		heater_json_free(root);
		if (r == 0)
			timed_on_heard(hp, ret->relay);
		return r;
	case T_AVAILABILITY:
		return parse_availability(data, len, ret);
	default:
		return -ENOENT;
	}
}

const struct heater_preset_ops heater_preset_zigbee2mqtt = {
	.dead_man = true,
	.setup = z2m_setup,
	.command = z2m_command,
	.parse = z2m_parse,
};
