/*
 * The room temperature, end to end: the real bedroomd reads a DS18B20 on a fake
 * sysfs tree (the real reading code, in its child process) and a thermometer
 * on a real mosquitto, drops bad readings, publishes the coldest healthy value
 * in <base>/state, and raises and clears sensor_stale.
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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tests/integration/harness.h"

#define DEV "28-0316a2795eff"

struct fixture {
	struct broker broker;
	struct daemon daemon;
	struct client *client;
	char sys[128];
	char base[64];
	char state_topic[96];
	char alert_topic[96];
	char thermo_topic[96];
	char plain_topic[96];
};

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* A DS18B20 as w1_therm shows it: the scratchpad with its CRC verdict, then t=. */
static void set_ds18b20(struct fixture *f, int mc, const char *crc)
{
	char path[256], text[200];

	snprintf(path, sizeof(path), "%s/devices/w1_bus_master1/" DEV "/w1_slave", f->sys);
	snprintf(text, sizeof(text),
		 "38 01 4b 46 7f ff 08 10 33 : crc=33 %s\n38 01 4b 46 7f ff 08 10 33 t=%d\n", crc,
		 mc);
	write_file(path, text);
}

static void plug_ds18b20(struct fixture *f, bool plugged)
{
	char link[256];

	snprintf(link, sizeof(link), "%s/bus/w1/devices/" DEV, f->sys);
	if (plugged)
		assert_int_equal(symlink("../../../devices/w1_bus_master1/" DEV, link), 0);
	else
		assert_int_equal(unlink(link), 0);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[200];

	harness_teardown(f->client, &f->daemon, &f->broker);
	if (f->sys[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%.*s'", 150, f->sys);
		(void) system(cmd);
	}
	free(f);
	return 0;
}

static int setup_with(void **state, const char *stale_after)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char dir[512], text[2048];

	if (!f)
		return -1;
	*state = f;
	f->daemon.notify_fd = -1;
	snprintf(f->base, sizeof(f->base), "bedroomd/room%d", (int) getpid());
	snprintf(f->state_topic, sizeof(f->state_topic), "%s/state", f->base);
	snprintf(f->alert_topic, sizeof(f->alert_topic), "%s/event/alert", f->base);
	snprintf(f->thermo_topic, sizeof(f->thermo_topic), "test%d/thermometer", (int) getpid());
	snprintf(f->plain_topic, sizeof(f->plain_topic), "test%d/esphome/temperature/state",
		 (int) getpid());
	snprintf(f->sys, sizeof(f->sys), "%s/bedroomd-sys-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(f->sys) || harness_setup(&f->broker, &f->daemon, "#", &f->client) < 0) {
		teardown(state);
		return -1;
	}
	snprintf(dir, sizeof(dir),
		 "mkdir -p '%s/devices/w1_bus_master1/" DEV "' '%s/bus/w1/devices'", f->sys,
		 f->sys);
	if (system(dir) != 0) {
		teardown(state);
		return -1;
	}
	set_ds18b20(f, 19500, "YES");
	plug_ds18b20(f, true);
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = room%d\nstate_dir = @STATE_DIR@\nlog_level = debug\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\n"
		 "[room]\nsysfs_root = %s\npublish_interval = 10s\n"
		 "[sensor.bed]\ntype = w1\ninterval = 2s\nstale_after = %s\nmax_rate = 0\n"
		 "[sensor.zigbee]\ntype = mqtt\ntopic = %s\njson_key = temperature\n"
		 "max_rate = 0\n"
		 "[sensor.esphome]\ntype = mqtt\ntopic = %s\nmax_rate = 0\n",
		 (int) getpid(), f->broker.port, f->sys, stale_after, f->thermo_topic,
		 f->plain_topic);
	if (daemon_write_config(&f->daemon, text) < 0 || daemon_start(&f->daemon, NULL) < 0 ||
	    daemon_wait_notify(&f->daemon, "READY=1", 10000) < 0) {
		teardown(state);
		return -1;
	}
	return 0;
}

/* Bad readings for a while must not make the sensor stale here. */
static int setup_patient(void **state)
{
	return setup_with(state, "2min");
}

static int setup_quick_to_stale(void **state)
{
	return setup_with(state, "10s");
}

/* Waits for a state whose top-level temperature is @value (as JSON prints it). */
static void wait_room_temperature(struct fixture *f, const char *value)
{
	char want[64];

	snprintf(want, sizeof(want), "~\"temperature\":%s,\"version\"", value);
	if (!client_wait(f->client, f->state_topic, want, 15000))
		fail_msg("no state with room temperature %s", value);
}

static void test_readings_are_checked_and_combined(void **state)
{
	struct fixture *f = *state;
	char *big, *log;
	static const char not_utf8[] = "{\"temperature\": \"\xff\xfe\"}";

	/* The DS18B20 alone, then the coldest of both. */
	wait_room_temperature(f, "19.5");
	client_publish(f->client, f->thermo_topic, "{\"temperature\": 21.0, \"humidity\": 40}",
		       false);
	usleep(500000);
	client_clear(f->client);
	client_publish(f->client, f->thermo_topic, "{\"temperature\": 17.25}", false);
	wait_room_temperature(f, "17.25");

	/* Bad readings change nothing: power-on 85 °C, a CRC failure, -127 °C. */
	client_clear(f->client);
	set_ds18b20(f, 85000, "YES");
	sleep(3);
	set_ds18b20(f, 16000, "NO");
	sleep(3);
	set_ds18b20(f, -127000, "YES");
	sleep(3);
	client_publish(f->client, f->thermo_topic, "{\"temperature\": 30.0}", false);
	wait_room_temperature(f, "19.5");
	assert_null(client_wait(f->client, f->state_topic, "~\"temperature\":85", 100));
	assert_null(client_wait(f->client, f->state_topic, "~\"temperature\":16.0", 100));

	/* Bad payloads: refused with a log line, the daemon carries on. */
	big = malloc(1024 * 1024 + 1);
	assert_non_null(big);
	memset(big, '1', 1024 * 1024);
	big[1024 * 1024] = '\0';
	client_publish(f->client, f->thermo_topic, big, false);
	free(big);
	client_publish(f->client, f->thermo_topic, not_utf8, false);
	client_publish(f->client, f->thermo_topic, "{\"temperature\": \"warm\"}", false);
	client_publish(f->client, f->thermo_topic, "{\"temperature\": [18]}", false);
	client_publish(f->client, f->thermo_topic, "", false);
	client_publish(f->client, f->thermo_topic, "{\"humidity\": 40}", false);
	usleep(500000);
	assert_int_equal(kill(f->daemon.pid, 0), 0);
	log = daemon_stderr(&f->daemon);
	/* Dropped as it arrives, before a copy (daemon/mqtt.h: MQTT_MESSAGE_MAX). */
	assert_non_null(strstr(log, "ignoring a 1048576-byte message on"));
	assert_non_null(strstr(log, "sensor.bed: rejected reading 85.000 °C (power_on: the "
				    "DS18B20's power-on value, not a measurement)"));
	assert_non_null(strstr(log, "(crc: the sensor's checksum failed)"));
	/* No [heater.*]: the start does not read as if it heated. */
	assert_non_null(strstr(log, ", no heater: it only reports"));
	free(log);

	/* A good reading still goes through afterwards. */
	client_clear(f->client);
	client_publish(f->client, f->thermo_topic, "{\"temperature\": 18.5}", false);
	wait_room_temperature(f, "18.5");

	/* A plain number (an ESPHome state topic), with the whitespace some devices add. */
	client_clear(f->client);
	client_publish(f->client, f->plain_topic, " 16.25\n", false);
	wait_room_temperature(f, "16.25");
	client_publish(f->client, f->plain_topic, "16,5", false);
	usleep(300000);
	log = daemon_stderr(&f->daemon);
	assert_non_null(strstr(log, "sensor.esphome: refused a 4-byte payload"));
	free(log);
}

static void test_stale_sensor_raises_and_clears_an_alert(void **state)
{
	struct fixture *f = *state;
	const struct message *m;

	wait_room_temperature(f, "19.5");
	client_clear(f->client);
	plug_ds18b20(f, false); /* the sensor is gone: no reading at all */
	m = client_wait(f->client, f->alert_topic, "~\"state\":\"raised\"", 20000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"kind\":\"sensor_stale\""));
	assert_non_null(strstr(m->payload, "\"source\":\"sensor.bed\""));
	assert_non_null(strstr(m->payload, "\"id\":\"room"));
	assert_false(m->retained);
	/* With its only sysfs sensor stale and no MQTT reading, the room is unknown. */
	wait_room_temperature(f, "null");
	assert_non_null(client_wait(f->client, f->state_topic, "~\"status\":\"stale\"", 1000));

	client_clear(f->client);
	plug_ds18b20(f, true);
	m = client_wait(f->client, f->alert_topic, "~\"state\":\"cleared\"", 15000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"kind\":\"sensor_stale\""));
	wait_room_temperature(f, "19.5");
}

/*
 * A DS18B20 found by discovery (no device =) replaced by another: the paths of
 * the one that went fail with ENOENT; the daemon says so once and looks for the
 * sensor again, finds the new one, and the room has a temperature again, with
 * no restart.
 */
static void test_a_replaced_ds18b20_is_found_again(void **state)
{
	struct fixture *f = *state;
	char cmd[512], path[256];
	char *log;

	wait_room_temperature(f, "19.5");
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/devices/w1_bus_master1/28-0000000bbbbb'", f->sys);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/devices/w1_bus_master1/28-0000000bbbbb/w1_slave", f->sys);
	write_file(path, "25 01 4b 46 7f ff 0b 10 a1 : crc=a1 YES\n"
			 "25 01 4b 46 7f ff 0b 10 a1 t=18250\n");
	client_clear(f->client);
	plug_ds18b20(f, false);
	snprintf(path, sizeof(path), "%s/bus/w1/devices/28-0000000bbbbb", f->sys);
	assert_int_equal(symlink("../../../devices/w1_bus_master1/28-0000000bbbbb", path), 0);
	/* An interval of 2 s: found within a few; stale_after (2 min) is far off. */
	wait_room_temperature(f, "18.25");
	log = daemon_stderr(&f->daemon);
	assert_non_null(strstr(log, "sensor.bed: '"));
	assert_non_null(strstr(log, DEV "/w1_slave' has gone (No such file or directory): "
					"looking for the sensor again every interval"));
	assert_non_null(strstr(log, "sensor.bed: measuring again"));
	free(log);
}

/*
 * A thermometer's message sent while bedroomd is stopped: its session is
 * persistent, and a QoS 1 subscription made the broker queue the message and
 * hand it over at the restart, not retained, as if measured then. The
 * thermometer topics are subscribed at QoS 0: nothing is queued, and the
 * first reading after the restart is one sent after it.
 */
static void test_a_reading_sent_while_stopped_is_not_taken(void **state)
{
	struct fixture *f = *state;
	char *log;

	wait_room_temperature(f, "19.5");
	client_publish(f->client, f->thermo_topic, "{\"temperature\": 17.5}", false);
	wait_room_temperature(f, "17.5");
	assert_int_equal(kill(f->daemon.pid, SIGTERM), 0);
	assert_true(daemon_wait_exit(&f->daemon, 10000) >= 0);
	/* QoS 1, not retained: what a persistent session's broker would keep. */
	assert_int_equal(
	    client_publish(f->client, f->thermo_topic, "{\"temperature\": 15.25}", false), 0);
	usleep(300000);
	client_clear(f->client);
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	wait_room_temperature(f, "19.5");
	sleep(3);
	assert_null(client_wait(f->client, f->state_topic, "~\"temperature\":15.25", 100));
	log = daemon_stderr(&f->daemon);
	assert_null(strstr(log, "15.250"));
	free(log);
	/* A reading sent now is taken. */
	client_publish(f->client, f->thermo_topic, "{\"temperature\": 16.75}", false);
	wait_room_temperature(f, "16.75");
}

/*
 * A restart while an alert is active: the next run shows it again (no second
 * "raised") and, the thermometer being back, clears it once its check is over.
 */
static void test_an_alert_left_by_a_restart_is_cleared_when_not_seen_again(void **state)
{
	struct fixture *f = *state;
	const struct message *m, *all;
	size_t n;

	wait_room_temperature(f, "19.5");
	client_clear(f->client);
	plug_ds18b20(f, false);
	assert_non_null(client_wait(f->client, f->alert_topic, "~\"state\":\"raised\"", 20000));
	assert_int_equal(kill(f->daemon.pid, SIGTERM), 0);
	assert_true(daemon_wait_exit(&f->daemon, 10000) >= 0);

	plug_ds18b20(f, true);
	client_clear(f->client);
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	assert_int_equal(daemon_wait_log(&f->daemon, "1 alert left active by the last run", 5000),
			 0);
	assert_non_null(client_wait(f->client, f->state_topic, "~\"kind\":\"sensor_stale\"", 5000));
	/* stale_after 10 s and 30 s for the first readings. */
	m = client_wait(f->client, f->alert_topic, "~\"state\":\"cleared\"", 60000);
	assert_non_null(m);
	assert_non_null(strstr(m->payload, "\"kind\":\"sensor_stale\""));
	assert_non_null(strstr(m->payload, "Not seen again since bedroomd restarted"));
	assert_non_null(client_wait(f->client, f->state_topic, "~\"alerts\":[]", 5000));
	n = client_messages(f->client, &all);
	for (size_t i = 0; i < n; i++)
		if (strcmp(all[i].topic, f->alert_topic) == 0)
			assert_null(strstr(all[i].payload, "\"state\":\"raised\""));
}

/*
 * A dip that comes and goes between two samples of the store, and between two
 * publishes of the state, is the lowest before a cramp (a user trial: the
 * context said 18.38 after the room had been at 18.13, and the night's lowest
 * in the report was above the room at its first cramp).
 */
static void test_a_dip_between_samples_is_the_lowest_before_a_cramp(void **state)
{
	struct fixture *f = *state;
	const struct message *m;
	char topic[128], event[128];

	wait_room_temperature(f, "19.5");
	usleep(300000);
	client_publish(f->client, f->plain_topic, "16.5", false);
	usleep(300000);
	client_publish(f->client, f->plain_topic, "22.0", false);
	usleep(700000);
	client_clear(f->client);
	snprintf(topic, sizeof(topic), "%s/cramp", f->base);
	snprintf(event, sizeof(event), "%s/event/cramp", f->base);
	assert_int_equal(client_publish(f->client, topic, "{\"leg\":\"left\"}", false), 0);
	m = client_wait(f->client, event, "~\"leg\":\"left\"", 10000);
	assert_non_null(m);
	if (!strstr(m->payload, "\"lowest_room_temperature\":16.5"))
		fail_msg("the dip is not the lowest: %s", m->payload);
	assert_non_null(strstr(m->payload, "\"room_temperature\":19.5"));
}

/*
 * A cramp logged just after a stop (a user trial: bedroomctl cramp 3 s after
 * it, the room at 18.5 °C until then) reaches bedroomd when it is back. It is
 * one remembered later: the room temperature of its time is the store's, from
 * the window the stop wrote, not the room's after the start (unknown yet, or
 * another by then).
 */
static void test_a_cramp_logged_while_stopped_takes_the_room_before_the_stop(void **state)
{
	struct fixture *f = *state;
	const struct message *m;
	char topic[128], event[128], db[192], when[32], payload[160];
	time_t now;
	struct tm tm;

	set_ds18b20(f, 18500, "YES");
	wait_room_temperature(f, "18.5");
	assert_int_equal(kill(f->daemon.pid, SIGTERM), 0);
	assert_true(daemon_wait_exit(&f->daemon, 10000) >= 0);
	snprintf(db, sizeof(db), "%s/bedroomd.db", f->daemon.state_dir);
	assert_true(store_count_rows(db, "room_temperature", "room_c = 18.5") >= 1);

	/* What bedroomctl cramp --leg left sends: the time it was run, for a session kept. */
	now = time(NULL);
	assert_non_null(gmtime_r(&now, &tm));
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(payload, sizeof(payload),
		 "{\"leg\":\"left\",\"time\":\"%s\",\"source\":\"bedroomctl\"}", when);
	snprintf(topic, sizeof(topic), "%s/cramp", f->base);
	snprintf(event, sizeof(event), "%s/event/cramp", f->base);
	assert_int_equal(client_publish(f->client, topic, payload, false), 0);
	/* The room is warmer by the start: that is not the room at the cramp. */
	set_ds18b20(f, 21000, "YES");
	client_clear(f->client);
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	m = client_wait(f->client, event, "~\"leg\":\"left\"", 10000);
	assert_non_null(m);
	if (!strstr(m->payload, "\"room_temperature\":18.5"))
		fail_msg("not the room before the stop: %s", m->payload);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_readings_are_checked_and_combined,
						setup_patient, teardown),
		cmocka_unit_test_setup_teardown(test_stale_sensor_raises_and_clears_an_alert,
						setup_quick_to_stale, teardown),
		cmocka_unit_test_setup_teardown(
		    test_an_alert_left_by_a_restart_is_cleared_when_not_seen_again,
		    setup_quick_to_stale, teardown),
		cmocka_unit_test_setup_teardown(
		    test_a_dip_between_samples_is_the_lowest_before_a_cramp, setup_patient,
		    teardown),
		cmocka_unit_test_setup_teardown(test_a_replaced_ds18b20_is_found_again,
						setup_patient, teardown),
		cmocka_unit_test_setup_teardown(test_a_reading_sent_while_stopped_is_not_taken,
						setup_patient, teardown),
		cmocka_unit_test_setup_teardown(
		    test_a_cramp_logged_while_stopped_takes_the_room_before_the_stop, setup_patient,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
