/*
 * A reload and what is not a heater: the floor kept from Home Assistant
 * against an edited file, a thermometer that changed (or only its offset),
 * and a state directory that cannot be opened.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/integration/reload-fixture.h"

/* A config with the night floor at @floor, and no heater. */
static void write_floor_config(struct fixture *f, const char *floor)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = reload%d\nstate_dir = @STATE_DIR@\nlog_level = debug\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\n[heating]\nfloor = %s\n"
		 "[sensor.air]\ntype = mqtt\ntopic = %s\nmax_rate = 0\n",
		 (int) getpid(), f->broker.port, floor, f->thermo_topic);
	assert_int_equal(daemon_write_config(&f->daemon, text), 0);
}

/*
 * A floor set from Home Assistant outlives reloads of an unchanged file (and
 * says so); an edit of the file's floor is the newer wish and wins.
 */
static void test_reload_edited_floor_beats_the_kept_one(void **state)
{
	struct fixture *f = *state;
	char topic[128];

	write_floor_config(f, "18");
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	snprintf(topic, sizeof(topic), "%s/set/floor", f->base);
	assert_int_equal(client_publish(f->client, topic, "20", false), 0);
	state_says(f, "\"floor\":20.0");
	assert_int_equal(daemon_wait_log(&f->daemon, "floor set to 20.0", 5000), 0);
	sleep(2); /* kept in the store within a second */

	client_clear(f->client);
	reload(f);
	assert_int_equal(
	    daemon_wait_log(&f->daemon, "floor 20.0 °C (set from Home Assistant", 5000), 0);
	reading(f, "19.0");
	state_says(f, "\"floor\":20.0");

	client_clear(f->client);
	write_floor_config(f, "19");
	reload(f);
	assert_int_equal(
	    daemon_wait_log(&f->daemon, "floor 19.0 °C from the configuration file, edited", 5000),
	    0);
	reading(f, "19.5");
	state_says(f, "\"floor\":19.0");

	/* And it stays the file's over a reload of the same file. */
	client_clear(f->client);
	reload(f);
	reading(f, "19.4");
	state_says(f, "\"floor\":19.0");
}

/*
 * A reload that changes the thermometer: the new one starts without a reading,
 * and heating must not go on with the old one's (it heated blind for up to
 * max_age): off until a reading comes, then on again. Meanwhile it says so as
 * a fresh start does: no_reading_yet, not sensor_stale (no alert either).
 */
static void test_reload_changing_the_sensor_forgets_its_reading(void **state)
{
	struct fixture *f = *state;
	write_config(f, "0", "0", "");
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	reading(f, "15.0");
	plug_receives(f, "ON");
	write_conf(f, &(struct conf){ .sensor_extra = "max_age = 2min\n" });
	client_clear(f->client);
	reload(f);
	plug_receives(f, "OFF");
	assert_int_equal(daemon_wait_log(&f->daemon, "kept on through the reload", 500),
			 -ETIMEDOUT);
	/* Said: a reload that changed nothing of the heater switched it off. */
	assert_int_equal(daemon_wait_log(&f->daemon,
					 "heating: the thermometers changed with the reload: the "
					 "heaters are off until a reading comes",
					 5000),
			 0);
	state_says(f, "\"heating_reason\":\"no_reading_yet\"");
	assert_int_equal(commands(f, "ON"), 0);
	reading(f, "15.0");
	plug_receives(f, "ON");
	state_says(f, "\"heating_reason\":\"heating\"");
	{
		const struct message *m;
		size_t n = client_messages(f->client, &m);

		for (size_t i = 0; i < n; i++)
			assert_null(strstr(m[i].payload, "sensor_stale"));
	}
}

/*
 * A reload that makes a stale thermometer anew (its section changed) while its
 * sensor_stale alert is active: the new sensor starts healthy and reads, so
 * nothing raises the alert again, and it is cleared once the new sensor's
 * stale_after (and the slack of a restart's check) has passed without it
 * going stale, saying why. It used to stay active for good, beside a state
 * that said the sensor was ok.
 */
static void test_reload_remaking_a_stale_sensor_clears_its_alert(void **state)
{
	struct fixture *f = *state;
	const struct message *m = NULL;
	char alert_topic[128];

	snprintf(alert_topic, sizeof(alert_topic), "%s/event/alert", f->base);
	write_conf(f, &(struct conf){ .sensor_extra = "stale_after = 10s\n" });
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	reading(f, "19.0");
	m = client_wait(f->client, alert_topic, "~\"state\":\"raised\"", 25000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"kind\":\"sensor_stale\""));
	write_conf(f, &(struct conf){ .sensor_extra = "stale_after = 11s\n" });
	client_clear(f->client);
	reload(f);
	/* Good readings every 2 s: cleared within stale_after 11 s + 30 s, and some. */
	m = NULL;
	for (int i = 0; i < 30 && !m; i++) {
		reading(f, "19.0");
		m = client_wait(f->client, alert_topic, "~\"state\":\"cleared\"", 2000);
	}
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"kind\":\"sensor_stale\""));
	assert_non_null(strstr(m->payload, "\"source\":\"sensor.air\""));
	assert_non_null(strstr(m->payload, "Not seen again since bedroomd reloaded its"));
	/* Not raised again by the new sensor (the plug, never confirming here, may raise its own).
	 */
	{
		const struct message *all;
		size_t n = client_messages(f->client, &all);

		for (size_t i = 0; i < n; i++)
			if (strcmp(all[i].topic, alert_topic) == 0 &&
			    strstr(all[i].payload, "\"kind\":\"sensor_stale\""))
				assert_null(strstr(all[i].payload, "\"state\":\"raised\""));
	}
}

/*
 * A reload that changes only the thermometer's calibration offset: the same
 * thermometer, its last reading going on with the new offset. The heater that
 * was on stays on: it used to go off until the next reading, against its
 * min_on, and min_off then held it off (minutes without heat at night for a
 * correction, while the journal said "kept on through the reload").
 */
static void test_reload_changing_the_offset_keeps_the_reading(void **state)
{
	struct fixture *f = *state;
	write_config(f, "2min", "3min", "");
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	reading(f, "15.0");
	plug_receives(f, "ON");
	write_conf(f, &(struct conf){
			  .min_on = "2min", .min_off = "3min", .sensor_extra = "offset = 0.5\n" });
	client_clear(f->client);
	reload(f);
	assert_int_equal(daemon_wait_log(&f->daemon,
					 "sensor.air: offset +0.50 °C (was +0.00): its last "
					 "reading goes on with it",
					 5000),
			 0);
	assert_int_equal(daemon_wait_log(&f->daemon,
					 "heating: reloaded, 1 of 1 heaters kept as they were",
					 5000),
			 0);
	state_says(f, "\"temperature\":15.5");
	state_says(f, "\"heating_reason\":\"heating\"");
	assert_int_equal(daemon_wait_log(&f->daemon, "thermometers changed", 500), -ETIMEDOUT);
	/* The next reading has the new offset too. */
	reading(f, "15.2");
	state_says(f, "\"temperature\":15.7");
	assert_int_equal(commands(f, "OFF"), 0);
	assert_int_equal(commands(f, "ON"), 0);
}

/*
 * A reload to a state directory that cannot be used (a typo, or read-only
 * under the unit's ProtectSystem=strict): refused, with why, and the running
 * store goes on taking the cramps (before, it was dropped for none:
 * store_failed, the cramps only in memory). The heating goes on.
 */
static void test_reload_to_a_state_dir_that_cannot_open(void **state)
{
	struct fixture *f = *state;
	char dir[200], cramp[160], alert[160], said[400], db[200];

	write_config(f, "0", "0", "");
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	reading(f, "15.0");
	plug_receives(f, "ON");
	/* A directory below a file: mkdir fails with ENOTDIR, root or not. */
	snprintf(dir, sizeof(dir), "%s/bedroomd.conf/state", f->daemon.dir);
	write_conf(f, &(struct conf){ .state_dir = dir });
	client_clear(f->client);
	assert_int_equal(kill(f->daemon.pid, SIGHUP), 0);
	snprintf(said, sizeof(said),
		 "cannot use state_dir %s: reload refused, keeping state_dir %s", dir,
		 f->daemon.state_dir);
	assert_int_equal(daemon_wait_log(&f->daemon, said, 10000), 0);
	snprintf(cramp, sizeof(cramp), "%s/cramp", f->base);
	snprintf(alert, sizeof(alert), "%s/event/alert", f->base);
	assert_int_equal(client_publish(f->client, cramp, "{\"leg\":\"left\"}", false), 0);
	snprintf(cramp, sizeof(cramp), "%s/event/cramp", f->base);
	assert_non_null(client_wait(f->client, cramp, "~\"leg\":\"left\"", 10000));
	snprintf(db, sizeof(db), "%s/bedroomd.db", f->daemon.state_dir);
	assert_int_equal(store_count_rows(db, "cramps", "leg = 'left'"), 1);
	reading(f, "15.2");
	assert_int_equal(daemon_wait_log(&f->daemon, "heating: room 15.200", 10000), 0);
	assert_int_equal(client_count(f->client, alert, "~\"kind\":\"store_failed\""), 0);
	assert_int_equal(daemon_log_count(&f->daemon, "reloaded '"), 0);
	assert_int_equal(kill(f->daemon.pid, 0), 0);
}

/*
 * The cramp log lives through a reload and takes the new [cramps] and node_id:
 * a de-duplication window set by the reload makes a repeat one cramp, and the
 * events' ids carry the new node_id (before, both waited for a restart).
 */
static void test_reload_applies_cramps_and_node_id(void **state)
{
	struct fixture *f = *state;
	char mqtt_extra[160], node_id[64], cramp[160], event[160], want[96];
	const struct message *m;

	snprintf(mqtt_extra, sizeof(mqtt_extra), "base_topic = %s\n", f->base);
	write_conf(
	    f, &(struct conf){ .mqtt_extra = mqtt_extra, .extra = "[cramps]\ndedup_window = 0\n" });
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	snprintf(cramp, sizeof(cramp), "%s/cramp", f->base);
	snprintf(event, sizeof(event), "%s/event/cramp", f->base);
	assert_int_equal(client_publish(f->client, cramp, "{\"leg\":\"left\"}", false), 0);
	assert_non_null(client_wait(f->client, event, "~\"leg\":\"left\"", 10000));

	snprintf(node_id, sizeof(node_id), "renamed%d", (int) getpid());
	write_conf(f, &(struct conf){ .mqtt_extra = mqtt_extra,
				      .node_id = node_id,
				      .extra = "[cramps]\ndedup_window = 1h\n" });
	reload(f);
	/*
	 * The new node_id is a new client_id: the reload makes a new connection
	 * once the old one said "offline". A report sent before it subscribed
	 * would wait in the old client's session: the test waits for it (a CI run
	 * under load lost the report so).
	 */
	for (long long end = now_ms() + 10000;
	     daemon_log_count(&f->daemon, "connected to MQTT broker") < 2; usleep(20 * 1000))
		assert_true(now_ms() < end);
	usleep(200 * 1000); /* its subscriptions, sent as it connected, reach the broker */
	client_clear(f->client);
	assert_int_equal(client_publish(f->client, cramp, "{\"leg\":\"left\"}", false), 0);
	assert_int_equal(daemon_wait_log(&f->daemon, ": not logged again", 10000), 0);
	assert_int_equal(client_publish(f->client, cramp, "{\"leg\":\"right\"}", false), 0);
	m = client_wait(f->client, event, "~\"leg\":\"right\"", 10000);
	assert_non_null(m);
	snprintf(want, sizeof(want), "\"id\":\"%s-cramp-", node_id);
	assert_non_null(strstr(m->payload, want));
	assert_int_equal(client_count(f->client, event, "~\"leg\":\"left\""), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reload_edited_floor_beats_the_kept_one,
						reload_setup, reload_teardown),
		cmocka_unit_test_setup_teardown(test_reload_changing_the_offset_keeps_the_reading,
						reload_setup, reload_teardown),
		cmocka_unit_test_setup_teardown(
		    test_reload_remaking_a_stale_sensor_clears_its_alert, reload_setup,
		    reload_teardown),
		cmocka_unit_test_setup_teardown(test_reload_changing_the_sensor_forgets_its_reading,
						reload_setup, reload_teardown),
		cmocka_unit_test_setup_teardown(test_reload_to_a_state_dir_that_cannot_open,
						reload_setup, reload_teardown),
		cmocka_unit_test_setup_teardown(test_reload_applies_cramps_and_node_id,
						reload_setup, reload_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
