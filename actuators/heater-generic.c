/*
 * generic: a plug described by the configuration alone.
 *
 *  command   command_topic payload_on / payload_off (default ON / OFF)
 *  dead-man  none the preset can send: a device with its own auto-off (an
 *            ESPHome or Tasmota rule turning off when no command came for a
 *            while) still profits from the keep-alive re-sends of heater.c.
 *  state     state_topic: the whole payload (surrounding whitespace ignored) is
 *            state_on / state_off (default payload_on / payload_off), compared
 *            exactly; with json_key, the value at that dot path is: a string
 *            compared the same way, a boolean, or an integer compared as its
 *            decimal text ("1" / "0"). power_json_key: power (W) in the same JSON.
 *            Another word there (a Shelly Gen1's "overpower" when its protection
 *            tripped the relay) is the plug's, not a payload to refuse: the relay
 *            is not known, and heater-answers.c takes the plug as not
 *            confirmed.
 *            A topic shared with availability: one neither online nor a state
 *            is such a word too.
 *  online    availability_topic (optional): availability_online (default
 *            "online") is online; any other payload is offline.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "actuators/heater-preset-internal.h"

enum {
	T_STATE,
	T_AVAILABILITY,
};

static int generic_setup(struct heater_preset *hp)
{
	const struct heater_params *p = &hp->p;
	int r;

	if (!heater_topic_valid(p->command_topic) || !heater_topic_valid(p->state_topic))
		return -EINVAL;
	if (p->availability_topic && !heater_topic_valid(p->availability_topic))
		return -EINVAL;
	if (p->state_on[0] == '\0' || p->state_off[0] == '\0' ||
	    strcmp(p->state_on, p->state_off) == 0)
		return -EINVAL;
	if ((r = heater_subscribe(hp, "%s", p->state_topic)) < 0)
		return r;
	if (p->availability_topic && strcmp(p->availability_topic, p->state_topic) != 0 &&
	    (r = heater_subscribe(hp, "%s", p->availability_topic)) < 0)
		return r;
	hp->command_topic = heater_strdupf("%s", p->command_topic);
	return hp->command_topic ? 0 : -ENOMEM;
}

static int generic_command(struct heater_preset *hp, bool on, uint64_t auto_off_usec,
			   struct heater_messages *ret)
{
	return heater_messages_add(ret, hp->command_topic,
				   on ? hp->p.payload_on : hp->p.payload_off);
}

/* The state at json_key: string, boolean or integer; another string or integer is a word. */
static int relay_from_value(const struct heater_params *p, struct json_t *v,
			    struct heater_update *ret)
{
	char buf[32];
	int r;

	if (json_is_integer(v)) {
		snprintf(buf, sizeof(buf), "%lld", (long long) json_integer_value(v));
		if (strcmp(buf, p->state_on) == 0)
			ret->relay = HEATER_RELAY_ON;
		else if (strcmp(buf, p->state_off) == 0)
			ret->relay = HEATER_RELAY_OFF;
		else
			heater_word_set(&ret->word, HEATER_WORD_STATE, buf, strlen(buf));
		return 0;
	}
	r = heater_json_relay(v, p->state_on, p->state_off, false, &ret->relay);
	if (r != -EBADMSG)
		return r;
	/* A string, neither state_on nor state_off. */
	heater_word_set(&ret->word, HEATER_WORD_STATE, json_string_value(v), json_string_length(v));
	return 0;
}

static int parse_json_state(const struct heater_params *p, const char *data, size_t len,
			    struct heater_update *ret)
{
	struct json_t *root, *v;
	int r = 0;

	r = heater_json_load(data, len, &root);
	if (r < 0)
		return r;
	if (p->json_key) {
		v = json_path_lookup(root, p->json_key);
		if (v)
			r = relay_from_value(p, v, ret);
	}
	/*
	 * A power that cannot be read stays unknown: the relay state beside it holds.
	 * Nothing else to take: refused, so the daemon says so (at debug level).
	 */
	if (r == 0 && p->power_json_key &&
	    heater_json_reading(json_path_lookup(root, p->power_json_key), &ret->power_w,
				&ret->power_known) < 0 &&
	    ret->relay == HEATER_RELAY_UNKNOWN && ret->word.kind == HEATER_WORD_NONE)
		r = -EINVAL;
	heater_json_free(root);
	return r;
}

static int generic_parse(struct heater_preset *hp, const char *topic, const char *data, size_t len,
			 struct heater_update *ret)
{
	const struct heater_params *p = &hp->p;

	/* Checked first: a plug may use one topic for state and availability. */
	if (p->availability_topic && strcmp(topic, p->availability_topic) == 0) {
		if (heater_payload_is(data, len, p->availability_online, false)) {
			ret->availability = HEATER_AVAILABILITY_ONLINE;
			return 0;
		}
		if (strcmp(topic, p->state_topic) != 0) {
			ret->availability = HEATER_AVAILABILITY_OFFLINE;
			return 0;
		}
	}
	if (strcmp(topic, p->state_topic) != 0)
		return -ENOENT;
	if (p->json_key)
		return parse_json_state(p, data, len, ret);
	if (heater_payload_is(data, len, p->state_on, false))
		ret->relay = HEATER_RELAY_ON;
	else if (heater_payload_is(data, len, p->state_off, false))
		ret->relay = HEATER_RELAY_OFF;
	else if (p->power_json_key && memchr(data, '{', len))
		return parse_json_state(p, data, len, ret);
	else if (p->availability_topic && strcmp(topic, p->availability_topic) == 0)
		/* One topic for both: neither online nor a state is offline (its last will). */
		ret->availability = HEATER_AVAILABILITY_OFFLINE;
	else /* the plug's own word (a Shelly Gen1's "overpower"): not taken as on */
		heater_word_set(&ret->word, HEATER_WORD_STATE, data, len);
	return 0;
}

const struct heater_preset_ops heater_preset_generic = {
	.dead_man = false,
	.setup = generic_setup,
	.command = generic_command,
	.parse = generic_parse,
};
