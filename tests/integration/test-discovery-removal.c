/*
 * Home Assistant discovery, end to end: what bedroomd removes from Home
 * Assistant when the config loses an entity, or the device moves to another
 * node_id or prefix (at a start, at a reload, discovery off and on), and what
 * it leaves (another device's configs).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/integration/discovery-fixture.h"

/* A reload without the heater: the climate and the heater's sensor go from Home Assistant. */
static void test_reload_removes_what_is_gone(void **state)
{
	struct fixture *f = *state;
	char climate[160], heater[160], button[160], outdoor[160];
	const struct message *msgs;
	struct client *fresh = NULL;
	size_t n;

	config_topic(f, N_OBJECTS - 1, outdoor, sizeof(outdoor));
	config_topic(f, 0, climate, sizeof(climate));
	config_topic(f, 4, heater, sizeof(heater));
	config_topic(f, 5, button, sizeof(button));
	start(f);
	assert_non_null(client_wait(f->client, climate, "~{", 10000));
	assert_non_null(client_wait(f->client, heater, "~{", 10000));
	assert_non_null(client_wait(f->client, button, "~{", 10000));
	client_clear(f->client);
	assert_int_equal(write_config(f, false, NULL), 0);
	kill(f->daemon.pid, SIGHUP);
	assert_int_equal(daemon_wait_notify(&f->daemon, "RELOADING=1", 10000), 0);
	assert_non_null(client_wait(f->client, climate, "", 10000));
	assert_non_null(client_wait(f->client, heater, "", 10000));
	/* Without a heater the outdoor temperature is used by nothing: gone too. */
	assert_non_null(client_wait(f->client, outdoor, "", 10000));
	/* The rest stays. */
	assert_non_null(client_wait(f->client, button, "~{", 10000));
	assert_null(client_wait(f->client, climate, "~{", 500));

	/* Home Assistant starting now finds no retained climate config. */
	assert_int_equal(client_new(&f->broker, "homeassistant/#", &fresh), 0);
	assert_non_null(client_wait(fresh, button, "~{", 5000));
	n = client_messages(fresh, &msgs);
	for (size_t i = 0; i < n; i++)
		if (strcmp(msgs[i].topic, climate) == 0 || strcmp(msgs[i].topic, heater) == 0)
			fail_msg("'%s' is still retained", msgs[i].topic);
	client_free(fresh);
}

/*
 * The heater goes while bedroomd is stopped: on start it finds the climate
 * config it left on the broker and removes it, but not another device's config
 * under the same node_id.
 */
static void test_start_removes_what_the_config_lost(void **state)
{
	struct fixture *f = *state;
	char climate[160], foreign[160];
	struct client *fresh = NULL;
	const struct message *m;

	config_topic(f, 0, climate, sizeof(climate));
	snprintf(foreign, sizeof(foreign), "homeassistant/sensor/%s/esp_temp/config", f->node);
	start(f);
	assert_non_null(client_wait(f->client, climate, "~{", 10000));
	assert_int_equal(client_publish(f->client, foreign,
					"{\"unique_id\":\"esphome_temp\",\"state_topic\":\"x\"}",
					true),
			 0);
	kill(f->daemon.pid, SIGTERM);
	assert_true(daemon_wait_exit(&f->daemon, 10000) >= 0);
	assert_int_equal(write_config(f, false, NULL), 0);
	client_clear(f->client);
	start(f);
	assert_non_null(client_wait(f->client, climate, "", 10000));

	assert_int_equal(client_new(&f->broker, "homeassistant/#", &fresh), 0);
	m = client_wait(fresh, foreign, NULL, 5000);
	assert_non_null(m);
	assert_true(m->retained);
	assert_null(client_wait(fresh, climate, NULL, 300));
	client_free(fresh);
}

/*
 * node_id changes while bedroomd is stopped (the Pi renamed): at start the
 * device it announced before leaves Home Assistant (every config emptied) and
 * the new one comes; another device's configs under the old node id stay.
 */
static void test_start_removes_the_device_of_an_old_node_id(void **state)
{
	struct fixture *f = *state;
	char old[32], foreign[2][160], said[256];

	start(f);
	wait_device(f->client, "homeassistant", f->node, "~{");
	publish_foreign(f, "homeassistant", f->node, foreign);
	stop(f);
	snprintf(old, sizeof(old), "%s", f->node);
	snprintf(f->node, sizeof(f->node), "%.30sb", old);
	snprintf(f->base, sizeof(f->base), "bedroomd/%s", f->node);
	snprintf(f->state_topic, sizeof(f->state_topic), "%s/state", f->base);
	assert_int_equal(write_config(f, true, NULL), 0);
	client_clear(f->client);
	start(f);
	wait_device(f->client, "homeassistant", f->node, "~{");
	wait_device(f->client, "homeassistant", old, "");
	snprintf(said, sizeof(said),
		 "removed %d entities of the old Home Assistant device '%s' (node_id changed to "
		 "'%s')",
		 announced(f), old, f->node);
	assert_int_equal(daemon_wait_log(&f->daemon, said, 15000), 0);
	check_retained(f, "homeassistant", old, foreign);
	wait_kept(f, "homeassistant", f->node);
}

/* The same for a discovery_prefix changed while bedroomd is stopped. */
static void test_start_removes_the_device_of_an_old_prefix(void **state)
{
	struct fixture *f = *state;
	char foreign[2][160], said[256];

	assert_int_equal(write_config(f, true, "[homeassistant]\ndiscovery_prefix = hass/disc\n"),
			 0);
	start(f);
	wait_device(f->client, "hass/disc", f->node, "~{");
	publish_foreign(f, "hass/disc", f->node, foreign);
	stop(f);
	assert_int_equal(write_config(f, true, NULL), 0);
	client_clear(f->client);
	start(f);
	wait_device(f->client, "homeassistant", f->node, "~{");
	wait_device(f->client, "hass/disc", f->node, "");
	snprintf(said, sizeof(said),
		 "removed %d entities of the Home Assistant device '%s' under the old "
		 "discovery_prefix 'hass/disc' (changed to 'homeassistant')",
		 announced(f), f->node);
	assert_int_equal(daemon_wait_log(&f->daemon, said, 15000), 0);
	check_retained(f, "hass/disc", f->node, foreign);
	wait_kept(f, "homeassistant", f->node);
}

/*
 * Discovery turned off by a reload, then on again under another node_id: the
 * device announced before (the store remembers it) leaves Home Assistant, as
 * it would at a start, and the store then keeps the new one.
 */
static void test_reload_off_then_on_removes_the_device_of_an_old_node_id(void **state)
{
	struct fixture *f = *state;
	char old[32], foreign[2][160];

	start(f);
	wait_device(f->client, "homeassistant", f->node, "~{");
	wait_kept(f, "homeassistant", f->node);
	publish_foreign(f, "homeassistant", f->node, foreign);
	assert_int_equal(write_config(f, true, "[homeassistant]\ndiscovery = no\n"), 0);
	reload(f, 1);
	snprintf(old, sizeof(old), "%s", f->node);
	snprintf(f->node, sizeof(f->node), "%.30sb", old);
	snprintf(f->base, sizeof(f->base), "bedroomd/%s", f->node);
	snprintf(f->state_topic, sizeof(f->state_topic), "%s/state", f->base);
	assert_int_equal(write_config(f, true, NULL), 0);
	client_clear(f->client);
	reload(f, 2);
	wait_device(f->client, "homeassistant", f->node, "~{");
	wait_device(f->client, "homeassistant", old, "");
	check_retained(f, "homeassistant", old, foreign);
	wait_kept(f, "homeassistant", f->node);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reload_removes_what_is_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_removes_what_the_config_lost, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_start_removes_the_device_of_an_old_node_id,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_removes_the_device_of_an_old_prefix,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_reload_off_then_on_removes_the_device_of_an_old_node_id, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
