/*
 * Tasmota, with its default FullTopic %prefix%/%topic%/ (another FullTopic:
 * use the generic preset).
 *
 *  command   cmnd/<topic>/POWER (POWER<n> for relay n) ON / OFF
 *  dead-man  cmnd/<topic>/Backlog "PulseTime<k> <v>;Power<n> ON": one message, so
 *            ON never travels without its auto-off. Tasmota restarts the pulse
 *            timer on every Power ON, so a re-sent ON extends it (keep-alive).
 *            PulseTime is a setting kept in flash: re-sending the same value
 *            writes nothing. PulseTime values: 0 none, 1..111 tenths of a second
 *            (0.1..11.1 s), 112..64900 are v - 100 seconds (12 s..18 h); so
 *            10 min = 700. We always round towards the shorter time. With
 *            auto_off 0 every ON sets PulseTime 0 the same way: the plug keeps
 *            PulseTime in flash, and one left from an earlier auto_off would
 *            switch it off by itself every so often (bedroomd then sees drift
 *            and sends ON again), a stretch of no heat each time.
 *  state     stat/<topic>/POWER<n> ON|OFF; stat/<topic>/RESULT {"POWER<n>":"ON"};
 *            tele/<topic>/STATE {"POWER<n>":"ON",...}. For relay 1 a plug with a
 *            single relay says POWER (no index), so both are accepted; POWER
 *            (switch_id 0) is relay 1, which a plug with more relays (a USB
 *            port switched apart, a second socket) or SetOption26 1 names
 *            POWER1, so both are accepted for 0 too. Another word there (a
 *            StateText1/StateText2 changed from OFF/ON, "AUS"/"AN") is the
 *            plug's, not a payload to refuse: the relay is not known, and
 *            heater-answers.c takes the plug as not confirmed (as the generic
 *            preset's words). A RESULT or STATE without that key (the answer to
 *            another command, the telemetry of a plug without that relay) says
 *            nothing of the relay; a value of another JSON type is refused.
 *  online    tele/<topic>/LWT Online|Offline (retained)
 *  power     tele/<topic>/SENSOR {"ENERGY":{"Power":1480,"Total":12.3}} (W, kWh);
 *            "Power" is an array on multi-channel meters: element n-1.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "actuators/heater-preset-internal.h"

#define USEC_PER_DECISEC 100000ULL
#define USEC_PER_SEC     1000000ULL
#define RELAY_MAX        32

/*
 * Topic indices, in subscription order. The answer to a command first: the
 * journal names the first when a command goes unanswered.
 */
enum {
	T_RESULT,
	T_LWT,
	T_STATE,
	T_SENSOR,
	T_POWER,     /* stat/<topic>/POWER<n> */
	T_POWER_ALT, /* relay 1: stat/<topic>/POWER; POWER (0): stat/<topic>/POWER1 */
};

/* The PulseTime value for @usec (> 0), rounded down; see the top of this file. */
static unsigned pulsetime(uint64_t usec)
{
	uint64_t v;

	if (usec >= 12 * USEC_PER_SEC) {
		v = usec / USEC_PER_SEC + 100;
		return v > 64900 ? 64900 : (unsigned) v;
	}
	v = usec / USEC_PER_DECISEC;
	if (v < 1)
		return 1;
	return v > 111 ? 111 : (unsigned) v;
}

static int tasmota_setup(struct heater_preset *hp)
{
	const char *t = hp->p.topic;
	int n = hp->p.switch_id, r;
	char idx[16] = "";

	if (!heater_topic_valid(t) || n < 0 || n > RELAY_MAX)
		return -EINVAL;
	if (n > 0)
		snprintf(idx, sizeof(idx), "%d", n);
	if ((r = heater_subscribe(hp, "stat/%s/RESULT", t)) < 0 ||
	    (r = heater_subscribe(hp, "tele/%s/LWT", t)) < 0 ||
	    (r = heater_subscribe(hp, "tele/%s/STATE", t)) < 0 ||
	    (r = heater_subscribe(hp, "tele/%s/SENSOR", t)) < 0 ||
	    (r = heater_subscribe(hp, "stat/%s/POWER%s", t, idx)) < 0)
		return r;
	if (n <= 1 && (r = heater_subscribe(hp, "stat/%s/POWER%s", t, n == 1 ? "" : "1")) < 0)
		return r;
	hp->command_topic = heater_strdupf("cmnd/%s/POWER%s", t, idx);
	hp->command_topic2 = heater_strdupf("cmnd/%s/Backlog", t);
	return hp->command_topic && hp->command_topic2 ? 0 : -ENOMEM;
}

static int tasmota_command(struct heater_preset *hp, bool on, uint64_t auto_off_usec,
			   struct heater_messages *ret)
{
	int n = hp->p.switch_id;
	unsigned v = auto_off_usec > 0 ? pulsetime(auto_off_usec) : 0;
	char payload[64];

	if (!on)
		return heater_messages_add(ret, hp->command_topic, "OFF");
	if (n > 0)
		snprintf(payload, sizeof(payload), "PulseTime%d %u;Power%d ON", n, v, n);
	else
		snprintf(payload, sizeof(payload), "PulseTime1 %u;Power ON", v);
	return heater_messages_add(ret, hp->command_topic2, payload);
}

/*
 * The relay state in a RESULT or STATE object: "POWER<n>", or "POWER" for
 * relay 1; for 0 "POWER", or "POWER1". Another string there is a word.
 */
static int relay_from_json(const struct heater_preset *hp, struct json_t *root,
			   struct heater_update *ret)
{
	int n = hp->p.switch_id;
	struct json_t *v = NULL;
	char key[16];
	int r;

	if (n > 0) {
		snprintf(key, sizeof(key), "POWER%d", n);
		v = json_path_lookup(root, key);
	}
	if (!v && n <= 1)
		v = json_path_lookup(root, "POWER");
	if (!v && n == 0)
		v = json_path_lookup(root, "POWER1");
	if (!v)
		return 0;
	r = heater_json_relay(v, "ON", "OFF", true, &ret->relay);
	if (r != -EBADMSG)
		return r;
	/* A string, neither ON nor OFF: custom state texts, say. */
	heater_word_set(&ret->word, HEATER_WORD_STATE, json_string_value(v), json_string_length(v));
	return 0;
}

static int energy_from_json(const struct heater_preset *hp, struct json_t *root,
			    struct heater_update *u)
{
	struct json_t *power, *total;
	int r;

	power = json_path_lookup(root, "ENERGY.Power");
	if (power) {
		char idx[16];
		struct json_t *e;

		snprintf(idx, sizeof(idx), "%d", hp->p.switch_id > 0 ? hp->p.switch_id - 1 : 0);
		e = json_path_lookup(power, idx);
		r = heater_json_number(e ? e : power, &u->power_w);
		if (r < 0)
			return r;
		u->power_known = true;
	}
	total = json_path_lookup(root, "ENERGY.Total");
	if (total) {
		r = heater_json_number(total, &u->energy_kwh);
		if (r < 0)
			return r;
		u->energy_known = true;
	}
	return 0;
}

static int tasmota_parse(struct heater_preset *hp, const char *topic, const char *data, size_t len,
			 struct heater_update *ret)
{
	struct json_t *root = NULL;
	int r;

	switch (heater_topic_index(hp, topic)) {
	case T_LWT:
		if (heater_payload_is(data, len, "Online", true))
			ret->availability = HEATER_AVAILABILITY_ONLINE;
		else if (heater_payload_is(data, len, "Offline", true))
			ret->availability = HEATER_AVAILABILITY_OFFLINE;
		else
			return -EBADMSG;
		return 0;
	case T_POWER:
	case T_POWER_ALT:
		if (heater_payload_is(data, len, "ON", true))
			ret->relay = HEATER_RELAY_ON;
		else if (heater_payload_is(data, len, "OFF", true))
			ret->relay = HEATER_RELAY_OFF;
		else /* StateText1/2 changed ("AUS"/"AN"): the plug's word, not taken as on */
			heater_word_set(&ret->word, HEATER_WORD_STATE, data, len);
		return 0;
	case T_RESULT:
	case T_STATE:
		r = heater_json_load(data, len, &root);
		if (r < 0)
			return r;
		r = relay_from_json(hp, root, ret);
		break;
	case T_SENSOR:
		r = heater_json_load(data, len, &root);
		if (r < 0)
			return r;
		r = energy_from_json(hp, root, ret);
		break;
	default:
		return -ENOENT;
	}
	heater_json_free(root);
	return r;
}

const struct heater_preset_ops heater_preset_tasmota = {
	.dead_man = true,
	.setup = tasmota_setup,
	.command = tasmota_command,
	.parse = tasmota_parse,
};
