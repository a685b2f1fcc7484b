/*
 * Shelly Gen2 / Gen3 (Plus, Pro, Mini) over MQTT JSON-RPC; the MQTT prefix is
 * the device's "topic prefix" setting, its id by default. Gen1 devices speak
 * another protocol: use the generic preset for them.
 *
 *  command   <prefix>/rpc {"id":N,"src":"<src>","method":"Switch.Set",
 *            "params":{"id":<switch>,"on":true,"toggle_after":<s>}}
 *            <src> is "<client id>/<prefix>/switch<switch>": one per daemon
 *            and plug (the config allows one heater a plug), so two Shelly
 *            heaters never read each other's replies.
 *  reply     <src>/rpc {"id":N,"src":"<device id>","dst":"<src>",
 *            "result":{"was_on":false}} or "error":{"code":..,"message":".."}.
 *            This is what confirms: with the device's default MQTT settings
 *            (RPC over MQTT and RPC status notifications on, "Generic status
 *            update over MQTT" off) nothing else does when the relay does not
 *            change, for NotifyStatus carries changed fields only, and a
 *            keep-alive ON to a plug already on, or an OFF at the start to
 *            one already off, changes nothing. A result to the last request
 *            confirms what it commanded; replies to older requests are
 *            ignored; an error to the last one confirms nothing (the command
 *            stays unconfirmed: re-sent, then heater_unconfirmed) and goes
 *            up as the update's word, its message and code, for the
 *            journal. Responses go to "<src>/rpc" verbatim (Mongoose OS's
 *            RPC-over-MQTT channel, which Gen2 is built on), so the slashes
 *            in <src> are levels of that topic.
 *  dead-man  toggle_after (whole seconds, rounded down, at least 1): the switch
 *            flips back off after it. Every Switch.Set replaces the timer, so a
 *            re-sent ON extends it (keep-alive).
 *  state     <prefix>/status/switch:<id> {"id":0,"output":true,"apower":1480.2,
 *            "aenergy":{"total":1234.5},...} (W, Wh), published when "Generic
 *            status update over MQTT" is on (off by default); also the
 *            NotifyStatus / NotifyFullStatus notifications on
 *            <prefix>/events/rpc {"method":"NotifyStatus","params":{"switch:0":
 *            {"output":true}}} (changed fields only) when "RPC status
 *            notifications over MQTT" is on (the default). Both say what the
 *            device's button or its own timer did, and the power.
 *  online    <prefix>/online true|false (retained, the device's last will)
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actuators/heater-preset-internal.h"

#define USEC_PER_SEC 1000000ULL
#define SWITCH_MAX   255

/*
 * Topic indices, in subscription order. The reply first: the journal names
 * the first when a command goes unanswered.
 */
enum {
	T_REPLY,
	T_STATUS,
	T_ONLINE,
	T_EVENTS,
};

#define REPLY_SUFFIX "/rpc"

static int shelly_setup(struct heater_preset *hp)
{
	const char *t = hp->p.topic;
	int r;

	if (!heater_topic_valid(t) || hp->p.switch_id < 0 || hp->p.switch_id > SWITCH_MAX)
		return -EINVAL;
	if ((r = heater_subscribe(hp, "%s/%s/switch%d" REPLY_SUFFIX, hp->p.client_id, t,
				  hp->p.switch_id)) < 0 ||
	    (r = heater_subscribe(hp, "%s/status/switch:%d", t, hp->p.switch_id)) < 0 ||
	    (r = heater_subscribe(hp, "%s/online", t)) < 0 ||
	    (r = heater_subscribe(hp, "%s/events/rpc", t)) < 0)
		return r;
	if (!heater_topic_valid(hp->topics[T_REPLY]))
		return -EINVAL;
	hp->command_topic = heater_strdupf("%s/rpc", t);
	return hp->command_topic ? 0 : -ENOMEM;
}

static int shelly_command(struct heater_preset *hp, bool on, uint64_t auto_off_usec,
			  struct heater_messages *ret)
{
	const char *reply = hp->topics[T_REPLY];
	json_t *req = NULL, *params;
	char *payload = NULL;
	int r = -ENOMEM;

	params = json_pack("{s:i,s:b}", "id", hp->p.switch_id, "on", on);
	if (params && auto_off_usec > 0) {
		uint64_t s = auto_off_usec / USEC_PER_SEC;

		if (json_object_set_new(params, "toggle_after",
					json_integer((json_int_t) (s < 1 ? 1 : s))) < 0)
			goto out;
	}
	if (params)
		req = json_pack("{s:I,s:s%,s:s,s:O}", "id", (json_int_t) hp->next_id, "src", reply,
				strlen(reply) - strlen(REPLY_SUFFIX), "method", "Switch.Set",
				"params", params);
	if (!req)
		goto out;
	payload = json_dumps(req, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!payload)
		goto out;
	r = heater_messages_add(ret, hp->command_topic, payload);
	if (r == 0) {
		hp->last_on = on;
		hp->next_id++;
	}
out:
	free(payload);
	json_decref(req);
	json_decref(params);
	return r;
}

/* A switch status object: {"output":bool,"apower":W,"aenergy":{"total":Wh}}. */
static int parse_status(struct json_t *st, struct heater_update *ret)
{
	struct json_t *v;
	double wh = 0;
	bool wh_known = false, bad = false;

	if (!json_is_object(st))
		return -EINVAL;
	v = json_path_lookup(st, "output");
	if (v) {
		if (!json_is_boolean(v))
			return -EINVAL;
		ret->relay = json_is_true(v) ? HEATER_RELAY_ON : HEATER_RELAY_OFF;
	}
	/* A reading that cannot be read stays unknown: the relay state beside it holds. */
	bad |= heater_json_reading(json_path_lookup(st, "apower"), &ret->power_w,
				   &ret->power_known) < 0;
	bad |= heater_json_reading(json_path_lookup(st, "aenergy.total"), &wh, &wh_known) < 0;
	if (wh_known) {
		ret->energy_kwh = wh / 1000.0;
		ret->energy_known = true;
	}
	/* Nothing else to take: refused, so the daemon says so (at debug level). */
	if (bad && ret->relay == HEATER_RELAY_UNKNOWN && !ret->power_known && !ret->energy_known)
		return -EINVAL;
	return 0;
}

/* NotifyStatus / NotifyFullStatus: params."switch:<id>" is a (partial) status. */
static int parse_event(const struct heater_preset *hp, struct json_t *root,
		       struct heater_update *ret)
{
	const char *method;
	struct json_t *params, *st;
	char key[32];

	method = json_string_value(json_path_lookup(root, "method"));
	if (!method ||
	    (strcmp(method, "NotifyStatus") != 0 && strcmp(method, "NotifyFullStatus") != 0))
		return 0;
	params = json_path_lookup(root, "params");
	if (!json_is_object(params))
		return -EINVAL;
	snprintf(key, sizeof(key), "switch:%d", hp->p.switch_id);
	st = json_object_get(params, key);
	return st ? parse_status(st, ret) : 0;
}

/* An "error" {"code":-103,"message":"..."}: its message and code, what of them there is. */
static void parse_error(struct json_t *error, struct heater_update *ret)
{
	struct json_t *code = json_object_get(error, "code"), *message;

	message = json_object_get(error, "message");
	if (json_is_string(message))
		heater_word_set(&ret->word, HEATER_WORD_ERROR, json_string_value(message),
				json_string_length(message));
	else
		heater_word_set(&ret->word, HEATER_WORD_ERROR, "", 0);
	if (json_is_integer(code)) {
		ret->word.code_known = true;
		ret->word.code = (long long) json_integer_value(code);
	}
}

/*
 * A response on <src>/rpc: one to the last request confirms what it
 * commanded; one to an older request says nothing.
 */
static int parse_reply(const struct heater_preset *hp, struct json_t *root,
		       struct heater_update *ret)
{
	struct json_t *id, *result, *error;

	id = json_object_get(root, "id");
	result = json_object_get(root, "result");
	error = json_object_get(root, "error");
	if (!id || (!result && !error)) /* not a response: a request or a notification */
		return 0;
	if (!json_is_integer(id))
		return -EINVAL;
	if (hp->next_id <= 1 || json_integer_value(id) != (json_int_t) (hp->next_id - 1))
		return 0;
	if (error) { /* refused: the command stays unconfirmed; the device's words go up */
		parse_error(error, ret);
		return 0;
	}
	if (!json_is_object(result))
		return -EINVAL;
	ret->relay = hp->last_on ? HEATER_RELAY_ON : HEATER_RELAY_OFF;
	return 0;
}

static int shelly_parse(struct heater_preset *hp, const char *topic, const char *data, size_t len,
			struct heater_update *ret)
{
	struct json_t *root = NULL;
	int r;

	switch (heater_topic_index(hp, topic)) {
	case T_ONLINE:
		if (heater_payload_is(data, len, "true", false))
			ret->availability = HEATER_AVAILABILITY_ONLINE;
		else if (heater_payload_is(data, len, "false", false))
			ret->availability = HEATER_AVAILABILITY_OFFLINE;
		else
			return -EBADMSG;
		return 0;
	case T_REPLY:
		r = heater_json_load(data, len, &root);
		if (r < 0)
			return r;
		r = parse_reply(hp, root, ret);
		break;
	case T_STATUS:
		r = heater_json_load(data, len, &root);
		if (r < 0)
			return r;
		r = parse_status(root, ret);
		break;
	case T_EVENTS:
		r = heater_json_load(data, len, &root);
		if (r < 0)
			return r;
		r = parse_event(hp, root, ret);
		break;
	default:
		return -ENOENT;
	}
	heater_json_free(root);
	return r;
}

const struct heater_preset_ops heater_preset_shelly = {
	.dead_man = true,
	.setup = shelly_setup,
	.command = shelly_command,
	.parse = shelly_parse,
};
