/*
 * The journal's lines of a plug's words that bedroomd does not take: which
 * heater, the topic, the word (its unprintable bytes as '?', a long one cut)
 * and what it means; at warning once per word, at debug when said again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/heating-internal.h"
#include "daemon/log.h"
#include "tests/unit/stderr-capture.h"

#define SEC   1000000ULL
#define T0    (1000 * SEC)
#define STATE "shellies/heater/relay/0"

struct rig {
	char name[8];
	struct config_heater cfg;
	struct stage s;
	struct heater_decision d;
	const char *topic;
	const char *payload;
	size_t len;
	bool said_alert;
};

static void rig_init(struct rig *r)
{
	struct heater_decision d;

	*r = (struct rig){ .name = "gen1", .topic = STATE };
	r->cfg.name = r->name;
	r->s.cfg = &r->cfg;
	snprintf(r->s.source, sizeof(r->s.source), "heater.gen1");
	heater_params_init(&r->s.params, HEATER_TYPE_GENERIC);
	r->s.params.command_topic = STATE "/command";
	r->s.params.state_topic = STATE;
	r->s.params.payload_on = r->s.params.state_on = "on";
	r->s.params.payload_off = r->s.params.state_off = "off";
	assert_int_equal(heater_new(&r->s.params, &r->s.heater), 0);
	heater_connection(r->s.heater, true, T0, &d);
	heater_set(r->s.heater, true, T0, &d);
	r->s.on = true;
	assert_int_equal(heater_receive(r->s.heater, STATE, "on", 2, T0 + SEC, &d), 0);
}

/* The plug says r->payload; its line, as carry_out() says it. */
static void receive_and_say(void *arg)
{
	struct rig *r = arg;

	assert_int_equal(
	    heater_receive(r->s.heater, r->topic, r->payload, r->len, T0 + 20 * SEC, &r->d), 0);
	r->said_alert = heating_log_plug_word(&r->s, &r->d, r->topic);
}

static char *say(struct rig *r, const char *payload, size_t len)
{
	r->payload = payload;
	r->len = len;
	return stderr_captured(receive_and_say, r);
}

static void test_overpower_said_once(void **state)
{
	struct rig r;
	char *log, line[256], message[256];

	log_set_max_level(LOG_LEVEL_INFO);
	rig_init(&r);
	log = say(&r, "overpower", 9);
	assert_non_null(log);
	assert_non_null(strstr(log, "heater.gen1: 'overpower' on '" STATE
				    "' is neither state_on 'on' nor state_off 'off': the plug is "
				    "not taken as on; heater_unconfirmed (another heater may stand "
				    "in); sending ON again in 40 s\n"));
	assert_true(r.said_alert);
	free(log);
	/* The alert, later, in the plug's words. */
	assert_true(heating_plug_word_alert(&r.s, line, sizeof(line), message, sizeof(message)));
	assert_string_equal(line, "the plug last said 'overpower' on '" STATE
				  "' is neither state_on 'on' nor state_off 'off'");
	assert_non_null(strstr(message, "says 'overpower', neither on nor off (its own protection "
					"tripped?)"));
	/* Again: not at warning nor info. */
	log = say(&r, "overpower", 9);
	assert_non_null(log);
	assert_string_equal(log, "");
	assert_false(r.said_alert);
	free(log);
	heater_free(r.s.heater);
}

/* Bytes from the network: unprintable ones as '?', a long word cut, never raw. */
static void test_word_from_the_network(void **state)
{
	const char junk[] = { 'o', '\n', 'v', '\x1b', '[', '2', 'J', '\0', 'x' };
	char big[HEATER_WORD_MAX * 4];
	struct rig r;
	char *log;

	log_set_max_level(LOG_LEVEL_INFO);
	rig_init(&r);
	log = say(&r, junk, sizeof(junk));
	assert_non_null(log);
	assert_non_null(strstr(log, "heater.gen1: 'o?v?[2J?x' on '" STATE "'"));
	assert_null(strchr(log, '\x1b'));
	free(log);
	memset(big, 'w', sizeof(big));
	log = say(&r, big, sizeof(big));
	assert_non_null(log);
	assert_non_null(strstr(log, "www...' on '" STATE "'"));
	assert_true(strlen(log) < 400);
	free(log);
	heater_free(r.s.heater);
}

/* A preset's heater @name confirmed on, @confirm on @topic having said so. */
static void rig_preset(struct rig *r, enum heater_type type, const char *name, const char *topic,
		       const char *confirm)
{
	struct heater_decision d;

	*r = (struct rig){ .topic = topic };
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->cfg.name = r->name;
	r->s.cfg = &r->cfg;
	snprintf(r->s.source, sizeof(r->s.source), "heater.%s", name);
	heater_params_init(&r->s.params, type);
	r->s.params.topic = "plug";
	assert_int_equal(heater_new(&r->s.params, &r->s.heater), 0);
	heater_connection(r->s.heater, true, T0, &d);
	heater_set(r->s.heater, true, T0, &d);
	r->s.on = true;
	assert_int_equal(heater_receive(r->s.heater, topic, confirm, strlen(confirm), T0 + SEC, &d),
			 0);
	assert_int_equal(d.state, HEATER_STATE_ON);
}

/*
 * A Tasmota with changed StateText1/StateText2, a zigbee2mqtt state neither ON
 * nor OFF: the same line, with what to do about it; the alert in its words.
 */
static void test_preset_words_say_what_to_do(void **state)
{
	struct rig r;
	char *log, line[256], message[256];

	log_set_max_level(LOG_LEVEL_INFO);
	rig_preset(&r, HEATER_TYPE_TASMOTA, "tas", "stat/plug/POWER", "ON");
	log = say(&r, "AN", 2);
	assert_non_null(log);
	assert_non_null(strstr(log, "heater.tas: 'AN' on 'stat/plug/POWER' is neither ON nor OFF: "
				    "the plug is not taken as on; heater_unconfirmed (another "
				    "heater may stand in); sending ON again in 40 s (Tasmota's "
				    "StateText1/StateText2 must be OFF/ON, or use type = generic "
				    "with state_on/state_off)\n"));
	assert_true(r.said_alert);
	free(log);
	assert_true(heating_plug_word_alert(&r.s, line, sizeof(line), message, sizeof(message)));
	assert_non_null(strstr(message, "The smart plug of heater 'tas' says 'AN', neither on nor "
					"off (its StateText1/StateText2 changed from OFF/ON?)"));
	/* Unprintable bytes as '?', in RESULT too. */
	r.topic = "stat/plug/RESULT";
	log = say(&r, "{\"POWER\":\"A\\u001bN\"}", strlen("{\"POWER\":\"A\\u001bN\"}"));
	assert_non_null(log);
	assert_non_null(
	    strstr(log, "heater.tas: 'A?N' on 'stat/plug/RESULT' is neither ON nor OFF"));
	assert_null(strchr(log, '\x1b'));
	free(log);
	heater_free(r.s.heater);

	rig_preset(&r, HEATER_TYPE_ZIGBEE2MQTT, "z2m", "zigbee2mqtt/plug", "{\"state\":\"ON\"}");
	log = say(&r, "{\"state\":\"overload\"}", strlen("{\"state\":\"overload\"}"));
	assert_non_null(log);
	assert_non_null(strstr(log, "heater.z2m: 'overload' at 'state' on 'zigbee2mqtt/plug' is "
				    "neither ON nor OFF: the plug is not taken as on; "
				    "heater_unconfirmed (another heater may stand in); sending ON "
				    "again in 40 s (the device's state must be ON/OFF"));
	free(log);
	heater_free(r.s.heater);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overpower_said_once),
		cmocka_unit_test(test_word_from_the_network),
		cmocka_unit_test(test_preset_words_say_what_to_do),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
