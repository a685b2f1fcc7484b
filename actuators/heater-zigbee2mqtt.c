/*
 * zigbee2mqtt: a plug by its friendly name under the base topic.
 *
 *  command   <base>/<name>/set {"state":"ON"} / {"state":"OFF"}
 *  dead-man  {"state":"ON","on_time":<s>}: zigbee2mqtt sends the ZCL On With
 *            Timed Off command, and a re-sent ON extends the time. Not every
 *            device supports it (many cheap plugs ignore on_time, or ignore the
 *            whole command); then the dead-man rests on the keep-alive re-sends
 *            alone, and the plug stays on if bedroomd dies. Check the device in
 *            zigbee2mqtt's device list before relying on it.
 *  state     <base>/<name> {"state":"ON","power":1480,"energy":12.3,...} (W, kWh)
 *  online    <base>/<name>/availability: "online" / "offline" (legacy) or
 *            {"state":"online"} (zigbee2mqtt 1.32+); needs availability enabled
 *            in zigbee2mqtt.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "actuators/heater-preset-internal.h"

#define USEC_PER_SEC 1000000ULL

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
	return hp->command_topic ? 0 : -ENOMEM;
}

static int z2m_command(struct heater_preset *hp, bool on, uint64_t auto_off_usec,
		       struct heater_messages *ret)
{
	uint64_t s = auto_off_usec / USEC_PER_SEC;
	char payload[64];

	if (!on)
		return heater_messages_add(ret, hp->command_topic, "{\"state\":\"OFF\"}");
	if (auto_off_usec == 0)
		return heater_messages_add(ret, hp->command_topic, "{\"state\":\"ON\"}");
	snprintf(payload, sizeof(payload), "{\"state\":\"ON\",\"on_time\":%llu}",
		 (unsigned long long) (s < 1 ? 1 : s));
	return heater_messages_add(ret, hp->command_topic, payload);
}

static int parse_state(struct json_t *root, struct heater_update *ret)
{
	struct json_t *v;
	bool bad = false;
	int r;

	v = json_path_lookup(root, "state");
	if (v) {
		r = heater_json_relay(v, "ON", "OFF", true, &ret->relay);
		if (r < 0)
			return r;
	}
	/* A reading that cannot be read stays unknown: the relay state beside it holds. */
	bad |= heater_json_reading(json_path_lookup(root, "power"), &ret->power_w,
				   &ret->power_known) < 0;
	bad |= heater_json_reading(json_path_lookup(root, "energy"), &ret->energy_kwh,
				   &ret->energy_known) < 0;
	/* Nothing else to take: refused, so the daemon says so (at debug level). */
	if (bad && ret->relay == HEATER_RELAY_UNKNOWN && !ret->power_known && !ret->energy_known)
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

static int z2m_parse(const struct heater_preset *hp, const char *topic, const char *data,
		     size_t len, struct heater_update *ret)
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
