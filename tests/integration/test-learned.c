/*
 * What the thermostat learned, in the real daemon with its real store: a model
 * kept in the store is restored at start, shown in <base>/state ("learned")
 * and used once a reading comes; it survives a clean restart and a reload that
 * makes the thermostat anew; a kept model the thermostat refuses is logged,
 * dropped, and the room is learned afresh. The model is put in the store by
 * the test through the store library, as the daemon keeps it (a day of
 * learning does not fit in a test).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "control/thermostat.h"
#include "store/store.h"
#include "tests/integration/harness.h"
#include "tests/unit/thermostat-model-fixture.h"

#define KEY "heating.model"

struct fixture {
	struct broker broker;
	struct daemon daemon;
	struct client *client;
	char base[64];
	char state_topic[96];
	char thermo_topic[96];
	char db[192];
};

static int teardown(void **state)
{
	struct fixture *f = *state;

	harness_teardown(f->client, &f->daemon, &f->broker);
	free(f);
	return 0;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	int pid = (int) getpid();

	if (!f)
		return -1;
	*state = f;
	f->daemon.notify_fd = -1;
	snprintf(f->base, sizeof(f->base), "bedroomd/learned%d", pid);
	snprintf(f->state_topic, sizeof(f->state_topic), "%s/state", f->base);
	snprintf(f->thermo_topic, sizeof(f->thermo_topic), "test%d/thermometer", pid);
	if (harness_setup(&f->broker, &f->daemon, "#", &f->client) < 0) {
		teardown(state);
		return -1;
	}
	snprintf(f->db, sizeof(f->db), "%s/%s", f->daemon.state_dir, STORE_FILE_NAME);
	return 0;
}

static void write_config(struct fixture *f, const char *min_on)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = learned%d\nstate_dir = @STATE_DIR@\nlog_level = debug\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\n"
		 "[heating]\nfloor = 18\nday_floor = 18\nmin_on = %s\n"
		 "[sensor.air]\ntype = mqtt\ntopic = %s\n"
		 "[heater.plug]\ntype = tasmota\ntopic = learned%d\n",
		 (int) getpid(), f->broker.port, min_on, f->thermo_topic, (int) getpid());
	assert_int_equal(daemon_write_config(&f->daemon, text), 0);
}

/* Puts @line in the store as the daemon keeps its model (before it runs). */
static void keep_line(struct fixture *f, const char *line)
{
	struct store *s = NULL;

	assert_int_equal(store_open(f->daemon.state_dir, &s), 0);
	assert_int_equal(store_setting_set(s, KEY, line), 0);
	store_close(s);
}

static void keep_model_as(struct fixture *f, const struct thermostat_model *m)
{
	char text[THERMOSTAT_MODEL_TEXT_MAX];

	assert_true(thermostat_model_format(m, text, sizeof(text)) > 0);
	keep_line(f, text);
}

static void keep_model(struct fixture *f, double gain, double sure)
{
	struct thermostat_model m = test_model(gain, sure);

	keep_model_as(f, &m);
}

static int count_log(struct fixture *f, const char *needle)
{
	char *log = daemon_stderr(&f->daemon);
	int n = 0;

	for (const char *p = log; log && (p = strstr(p, needle)); p++)
		n++;
	free(log);
	return n;
}

/*
 * Waits for a state whose "learned" has @key equal to @value (a number; NAN:
 * null) and in_use @in_use (-1: either). Fails with what came otherwise.
 */
static void learned_says(struct fixture *f, const char *key, double value, int in_use)
{
	/* client_wait() on a topic nobody uses: the client's loop for 50 ms */
	for (long long end = now_ms() + 20000; now_ms() < end;
	     (void) client_wait(f->client, "-", NULL, 50)) {
		const struct message *m;
		size_t n = client_messages(f->client, &m);

		for (size_t i = 0; i < n; i++) {
			json_t *j, *l, *v;
			bool ok;

			if (strcmp(m[i].topic, f->state_topic) != 0)
				continue;
			j = json_loads(m[i].payload, 0, NULL);
			l = json_object_get(j, "learned");
			v = json_object_get(l, key);
			ok = json_is_object(l) &&
			     (isnan(value) ? json_is_null(v) : json_number_value(v) == value) &&
			     (in_use < 0 || json_is_true(json_object_get(l, "in_use")) == in_use);
			json_decref(j);
			if (ok)
				return;
		}
	}
	{
		const struct message *m;
		size_t n = client_messages(f->client, &m);

		for (size_t i = 0; i < n; i++)
			if (strcmp(m[i].topic, f->state_topic) == 0)
				fprintf(stderr, "# %s\n", m[i].payload);
	}
	fail_msg("no state with learned.%s = %g, in_use %d", key, value, in_use);
}

static void stop_daemon(struct fixture *f)
{
	int status;

	assert_int_equal(kill(f->daemon.pid, SIGTERM), 0);
	status = daemon_wait_exit(&f->daemon, 10000);
	assert_true(status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	f->daemon.pid = 0;
}

static void reload(struct fixture *f)
{
	int before = count_log(f, "reloaded '");

	assert_int_equal(kill(f->daemon.pid, SIGHUP), 0);
	for (long long end = now_ms() + 10000; count_log(f, "reloaded '") == before;
	     usleep(20 * 1000))
		assert_true(now_ms() < end);
}

static void test_kept_model_restored_across_restart_and_reload(void **state)
{
	struct fixture *f = *state;

	write_config(f, "0");
	keep_model(f, 40, 0.875);
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	assert_int_equal(
	    daemon_wait_log(&f->daemon, "what was learned about the room is back", 5000), 0);
	/*
	 * Shown at once; on trial from the first reading: it decides once the
	 * readings bear it out (a model kept for another heater overheated the room).
	 */
	learned_says(f, "heater_gain_k_per_h", 40, -1);
	learned_says(f, "sure", 0.88, -1);
	assert_int_equal(client_publish(f->client, f->thermo_topic, "17.5", false), 0);
	learned_says(f, "heater_gain_k_per_h", 40, false);
	assert_non_null(client_wait(f->client, f->state_topic, "~\"on_trial\":true", 10000));

	/* a reload that makes the thermostat anew (min_on changed) hands the model on */
	write_config(f, "60s");
	client_clear(f->client);
	reload(f);
	assert_int_equal(daemon_wait_log(&f->daemon, "the thermostat made anew", 5000), 0);
	assert_int_equal(client_publish(f->client, f->thermo_topic, "17.5", false), 0);
	learned_says(f, "heater_gain_k_per_h", 40, false);
	/* from the old thermostat, not read again from the store */
	assert_int_equal(count_log(f, "what was learned about the room is back"), 1);

	/* a clean restart: still in the store, restored again */
	stop_daemon(f);
	assert_int_equal(store_count_rows(f->db, "settings", "key = '" KEY "'"), 1);
	client_clear(f->client);
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	for (long long end = now_ms() + 5000;
	     count_log(f, "what was learned about the room is back") < 2; usleep(50 * 1000))
		assert_true(now_ms() < end);
	learned_says(f, "heater_gain_k_per_h", 40, -1);
}

/*
 * Most bedrooms have no outdoor thermometer. A model learned without one has no
 * loss to the outdoor (the walls follow the room alone) and carries the loss in
 * its constant term; it was refused at every start, and the room learned afresh.
 */
static void test_model_without_outdoor_restored(void **state)
{
	struct fixture *f = *state;
	struct thermostat_model m = {
		.version = THERMOSTAT_MODEL_VERSION,
		.gain_k_per_h = 30,
		.lag_long_s = 180,
		.lag_short_s = 0,
		.out_per_h = 0,
		.walls_per_h = { 2.0, 1.0 },
		.walls_share = { 1, 1 },
		.walls_tau_s = { 5400, 18000 },
		.offset_k_per_h = -4.5,
		.sure = 0.9,
		.margin_c = 0.06,
	};

	write_config(f, "0"); /* no outdoor_topic */
	keep_model_as(f, &m);
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	assert_int_equal(
	    daemon_wait_log(&f->daemon, "what was learned about the room is back", 5000), 0);
	assert_int_equal(count_log(f, "learning the room afresh"), 0);
	assert_int_equal(client_publish(f->client, f->thermo_topic, "17.5", false), 0);
	learned_says(f, "heater_gain_k_per_h", 30, false); /* on trial */
	assert_int_equal(store_count_rows(f->db, "settings", "key = '" KEY "'"), 1);
}

static void test_refused_model_is_logged_and_dropped(void **state)
{
	struct fixture *f = *state;

	write_config(f, "0");
	keep_line(f, "thermostat-model 1 gain_k_per_h=forty");
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	assert_int_equal(
	    daemon_wait_log(&f->daemon, "is malformed: learning the room afresh", 5000), 0);
	assert_int_equal(store_count_rows(f->db, "settings", "key = '" KEY "'"), 0);
	learned_says(f, "heater_gain_k_per_h", NAN, false);
	learned_says(f, "sure", 0, false);
	stop_daemon(f);

	/* one the thermostat refuses: out of range (a heater of 5000 K/h) */
	keep_model(f, 5000, 0.9);
	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	assert_int_equal(
	    daemon_wait_log(&f->daemon, "is out of range: learning the room afresh", 5000), 0);
	assert_int_equal(store_count_rows(f->db, "settings", "key = '" KEY "'"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kept_model_restored_across_restart_and_reload,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_without_outdoor_restored, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_refused_model_is_logged_and_dropped, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
