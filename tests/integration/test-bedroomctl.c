/*
 * bedroomctl against the real daemon: cramps logged through the command topic
 * reach the store and the broker, and the report read from the daemon's live
 * store shows what was logged; a cramp for a base topic no bedroomd uses is
 * not sent, one for a bedroomd that is offline is and reaches it when it is
 * back; ha-remove takes the device out of Home Assistant and leaves other
 * devices alone; a broker host name that does not resolve is said as such, and
 * one that never answers the connection within bedroomctl's time; with the
 * README's credential setup (no password_file) bedroomctl warns, says that it
 * sent no password and how to give it one, and logs the cramp given it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/integration/harness.h"

struct fixture {
	struct broker broker;
	struct daemon daemon;
	struct client *client;
	char base[64];
	char dir[64]; /* a test's own files (the broker's passwords), or "" */
};

static int teardown(void **state)
{
	struct fixture *f = *state;

	harness_teardown(f->client, &f->daemon, &f->broker);
	remove_tree(f->dir);
	free(f);
	return 0;
}

/* For a test that makes its own broker and daemon. */
static int setup_nothing(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	*state = f;
	f->daemon.notify_fd = -1;
	snprintf(f->base, sizeof(f->base), "bedroomd/ctl%d", (int) getpid());
	return 0;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char text[1024], availability[128];

	if (!f)
		return -1;
	*state = f;
	f->daemon.notify_fd = -1;
	snprintf(f->base, sizeof(f->base), "bedroomd/ctl%d", (int) getpid());
	if (harness_setup(&f->broker, &f->daemon, "bedroomd/#", &f->client) < 0) {
		teardown(state);
		return -1;
	}
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = ctl%d\nstate_dir = @STATE_DIR@\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\n",
		 (int) getpid(), f->broker.port);
	snprintf(availability, sizeof(availability), "%s/availability", f->base);
	if (daemon_write_config(&f->daemon, text) < 0 || daemon_start(&f->daemon, NULL) < 0 ||
	    daemon_wait_notify(&f->daemon, "READY=1", 10000) < 0 ||
	    !client_wait(f->client, availability, "online", 10000)) {
		teardown(state);
		return -1;
	}
	return 0;
}

static int ctl(struct fixture *f, const char *const *args, char **out)
{
	const char *argv[16] = { "--config", f->daemon.config_path };
	size_t n = 2;

	for (size_t i = 0; args[i] && n < 15; i++)
		argv[n++] = args[i];
	return run_program(getenv("BEDROOMCTL"), argv, out);
}

static void test_logged_cramps_are_in_the_report(void **state)
{
	struct fixture *f = *state;
	const char *first[] = { "cramp", "--leg",  "left",       "--site",
				"calf",  "--note", "woke me up", NULL };
	const char *second[] = { "cramp", "--leg", "right", "--at", "-30min", NULL };
	const char *bad[] = { "cramp", "--leg", "middle", NULL };
	const char *report[] = { "report", "--days", "2", "--format", "json", NULL };
	const char *status[] = { "status", NULL };
	const char *status_json[] = { "status", "--json", NULL };
	char topic[128], *out;

	snprintf(topic, sizeof(topic), "%s/event/cramp", f->base);
	assert_int_equal(ctl(f, first, &out), 0);
	free(out);
	assert_int_equal(ctl(f, second, &out), 0);
	free(out);
	assert_int_equal(ctl(f, bad, &out), 64);
	assert_non_null(strstr(out, "middle"));
	free(out);
	assert_non_null(client_wait(f->client, topic, "~\"note\":\"woke me up\"", 10000));
	assert_non_null(client_wait(f->client, topic, "~\"leg\":\"right\"", 10000));
	assert_non_null(client_wait(f->client, topic, "~\"source\":\"bedroomctl\"", 1000));

	/* The report reads the daemon's live store, read-only. */
	assert_int_equal(ctl(f, report, &out), 0);
	assert_non_null(strstr(out, "\"leg\":\"left\"") ?: strstr(out, "\"leg\": \"left\""));
	assert_non_null(strstr(out, "\"leg\":\"right\"") ?: strstr(out, "\"leg\": \"right\""));
	assert_non_null(strstr(out, "woke me up"));
	free(out);

	/* The state snapshot follows the events a moment later (it gathers changes). */
	snprintf(topic, sizeof(topic), "%s/state", f->base);
	assert_non_null(client_wait(f->client, topic, "~\"cramps_7d\":2", 10000));
	/* For a person: a line a part; the raw snapshot with --json. */
	assert_int_equal(ctl(f, status, &out), 0);
	if (!strstr(out, ": online") || !strstr(out, "\ncramps     2 in the last 7 days; last ") ||
	    !strstr(out, "\nstore      ok\n") || !strstr(out, "\nalerts     none\n") ||
	    strstr(out, "{\""))
		fail_msg("bedroomctl status said:\n%s", out);
	free(out);
	/* One JSON document, not two labelled lines (a user trial): a program parses it. */
	assert_int_equal(ctl(f, status_json, &out), 0);
	if (strncmp(out, "{\"availability\":\"online\",\"state\":{", 34) != 0 ||
	    !strstr(out, "\"cramps_7d\":2") || strcmp(out + strlen(out) - 3, "}}\n") != 0 ||
	    strchr(out, '\n') != out + strlen(out) - 1)
		fail_msg("bedroomctl status --json said:\n%s", out);
	free(out);
}

/*
 * A node_id no bedroomd uses on the broker (a typo, or bedroomctl on another
 * host, where node_id defaults to its name): the cramp would be lost, so it is
 * not sent, and said why. status --json says why too, and still prints its
 * object, both null (it printed nothing, and a script's parser failed).
 */
static void test_cramp_to_an_unused_base_topic_is_refused(void **state)
{
	struct fixture *f = *state;
	char path[192], text[512], base[64], topic[128], *out = NULL;
	const char *args[] = { "--config", path, "cramp", "--leg", "left", NULL };
	const char *status_json[] = { "--config", path, "status", "--json", NULL };
	const char *full[] = { "-c", "exec \"$0\" --config \"$1\" status --json >/dev/full",
			       getenv("BEDROOMCTL"), path, NULL };
	FILE *conf;

	snprintf(base, sizeof(base), "bedroomd/nobody%d", (int) getpid());
	snprintf(path, sizeof(path), "%s/nobody.conf", f->daemon.dir);
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = nobody%d\nstate_dir = %s\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\n",
		 (int) getpid(), f->daemon.state_dir, f->broker.port);
	conf = fopen(path, "w");
	assert_non_null(conf);
	assert_true(fputs(text, conf) >= 0);
	assert_int_equal(fclose(conf), 0);

	assert_int_equal(run_program(getenv("BEDROOMCTL"), args, &out), 69);
	snprintf(text, sizeof(text), "nothing retained under '%s': is bedroomd using this broker",
		 base);
	if (!strstr(out, text) || !strstr(out, "the cramp is not logged") || strstr(out, "sent"))
		fail_msg("want '%s' and 'the cramp is not logged', got:\n%s", text, out);
	free(out);
	snprintf(topic, sizeof(topic), "%s/cramp", base);
	assert_null(client_wait(f->client, topic, NULL, 1000));

	assert_int_equal(run_program(getenv("BEDROOMCTL"), status_json, &out), 69);
	snprintf(text, sizeof(text), "nothing retained under '%s'", base);
	if (!strstr(out, text) || !strstr(out, "\n{\"availability\":null,\"state\":null}\n"))
		fail_msg("want '%s' and the object, both null, got:\n%s", text, out);
	free(out);
	/* Output that cannot be written is an error, not the status given. */
	assert_int_equal(run_program("/bin/sh", full, &out), 74);
	if (!strstr(out, "bedroomctl: standard output: cannot write the status: "))
		fail_msg("want 'cannot write the status', got:\n%s", out);
	free(out);
}

/*
 * A host name that does not resolve ("bad..host" fails in the resolver
 * itself: no query leaves the machine) is said as such, not as the errno
 * libmosquitto's code maps to ("No route to host").
 */
static void test_an_unresolvable_host_is_said(void **state)
{
	struct fixture *f = *state;
	char path[192], text[512], *out = NULL;
	const char *status[] = { "--config", path, "status", NULL };
	const char *cramp[] = { "--config", path, "cramp", NULL };
	FILE *conf;

	snprintf(path, sizeof(path), "%s/unresolvable.conf", f->daemon.dir);
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = ctl%d\nstate_dir = %s\n[mqtt]\nhost = bad..host\n",
		 (int) getpid(), f->daemon.state_dir);
	conf = fopen(path, "w");
	assert_non_null(conf);
	assert_true(fputs(text, conf) >= 0);
	assert_int_equal(fclose(conf), 0);

	assert_int_equal(run_program(getenv("BEDROOMCTL"), status, &out), 69);
	if (!strstr(out, "bad..host:1883: cannot resolve the host name\n") || strstr(out, "route"))
		fail_msg("want 'bad..host:1883: cannot resolve the host name', got:\n%s", out);
	free(out);
	assert_int_equal(run_program(getenv("BEDROOMCTL"), cramp, &out), 69);
	if (!strstr(out, "cannot resolve the host name; the cramp is not logged") ||
	    strstr(out, "route"))
		fail_msg("want 'cannot resolve the host name; the cramp is not logged', got:\n%s",
			 out);
	free(out);
}

/*
 * A broker address that drops the connection attempt (a firewall, a wrong
 * host): bedroomctl gives up within its own time and says so; it used to wait
 * out the kernel's two minutes of SYN retries. Stood in for on 127.0.0.1 by a
 * listener whose accept queue is full: Linux drops the SYNs that come then.
 */
static void test_a_broker_that_never_answers_the_connect_is_said_in_time(void **state)
{
	struct fixture *f = *state;
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	char path[192], text[512], *out = NULL;
	const char *status[] = { "--config", path, "status", NULL };
	int listener, filler;
	long long t0, took;
	FILE *conf;

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(listener >= 0);
	assert_int_equal(bind(listener, (struct sockaddr *) &addr, sizeof(addr)), 0);
	assert_int_equal(listen(listener, 0), 0);
	assert_int_equal(getsockname(listener, (struct sockaddr *) &addr, &len), 0);
	/* Fills the accept queue (backlog 0 holds one): the next SYN is dropped. */
	filler = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(connect(filler, (struct sockaddr *) &addr, sizeof(addr)), 0);

	snprintf(path, sizeof(path), "%s/blackhole.conf", f->daemon.dir);
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = ctl%d\nstate_dir = %s\n[mqtt]\nhost = 127.0.0.1\nport = "
		 "%d\n",
		 (int) getpid(), f->daemon.state_dir, ntohs(addr.sin_port));
	conf = fopen(path, "w");
	assert_non_null(conf);
	assert_true(fputs(text, conf) >= 0);
	assert_int_equal(fclose(conf), 0);

	t0 = now_ms();
	assert_int_equal(run_program(getenv("BEDROOMCTL"), status, &out), 69);
	took = now_ms() - t0;
	close(filler);
	close(listener);
	if (!strstr(out, "no answer to the connection in time"))
		fail_msg("want 'no answer to the connection in time', got:\n%s", out);
	free(out);
	/* Its 3 s and a second's rounding, far from the kernel's two minutes. */
	if (took > 30000)
		fail_msg("bedroomctl status took %lld ms against a broker that never answers",
			 took);
}

/*
 * A bedroomd that stopped (retained availability "offline"): the cramp is sent,
 * its persistent session keeps it, and it logs it when it is back.
 */
static void test_cramp_while_offline_is_logged_when_back(void **state)
{
	struct fixture *f = *state;
	const char *cramp[] = { "cramp", "--leg", "right", "--note", "while away", NULL };
	char topic[128], *out = NULL;

	kill(f->daemon.pid, SIGTERM);
	assert_true(daemon_wait_exit(&f->daemon, 10000) >= 0);
	snprintf(topic, sizeof(topic), "%s/availability", f->base);
	assert_non_null(client_wait(f->client, topic, "offline", 10000));

	assert_int_equal(ctl(f, cramp, &out), 0);
	if (!strstr(out, "sent; bedroomd is offline now and logs it when it is back. Until then "
			 "only the broker 127.0.0.1:"))
		fail_msg("want the offline message, got:\n%s", out);
	free(out);

	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	snprintf(topic, sizeof(topic), "%s/event/cramp", f->base);
	assert_non_null(client_wait(f->client, topic, "~\"note\":\"while away\"", 15000));
}

#define USER     "bedroom"
#define PASSWORD "bedroom-pw"
/* mosquitto_passwd's line for USER and PASSWORD: PBKDF2-SHA512, 101 iterations, salt
 * "bedroomdtest". */
#define PASSWORD_LINE                                                                              \
	USER ":$7$101$YmVkcm9vbWR0ZXN0$aQhMlr5Ykl/"                                                \
	     "fvNfmMoYATxI+2FdxgXytxFiO7Xv4XGP2LedwbiV3rY2CO4hz"                                   \
	     "sRrALAPuCtpLiYFKPW9oeNQ24A==\n"

static void write_file(const char *dir, const char *name, const char *text, char *path, size_t size)
{
	FILE *file;

	snprintf(path, size, "%s/%s", dir, name);
	file = fopen(path, "we");
	assert_non_null(file);
	fputs(text, file);
	assert_int_equal(fclose(file), 0);
}

/*
 * The README's credential setup: username set, no password_file, the password
 * a systemd credential the service loads (LoadCredential=mqtt-password:...).
 * bedroomctl, not the service, has no $CREDENTIALS_DIRECTORY: it sent no
 * password, said nothing, and blamed the broker ("once the broker is back,
 * ... logs it"): trying again failed the same way, the cramp was lost. It
 * must warn at load, say that it sent no password and what to do, and, given
 * the credential's directory, log the cramp.
 */
static void test_cramp_with_the_services_credential(void **state)
{
	struct fixture *f = *state;
	const char *cramp[] = { "--config", NULL, "cramp", "--leg", "left", NULL };
	char passwd[128], password[128], ctl_config[128], conf[256], text[1024], db[192];
	char *out = NULL;
	int status;

	assert_int_equal(make_temp_dir(f->dir, sizeof(f->dir), "ctl-auth"), 0);
	/* mosquitto started as root reads its files as the user "mosquitto". */
	assert_int_equal(chmod(f->dir, 0755), 0);
	write_file(f->dir, "passwd", PASSWORD_LINE, passwd, sizeof(passwd));
	assert_int_equal(chmod(passwd, 0644), 0);
	write_file(f->dir, "mqtt-password", PASSWORD "\n", password, sizeof(password));
	assert_int_equal(chmod(password, 0600), 0);
	snprintf(conf, sizeof(conf), "allow_anonymous false\npassword_file %s\n", passwd);
	assert_int_equal(broker_start_conf(&f->broker, conf), 0);
	assert_int_equal(daemon_prepare(&f->daemon), 0);
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = ctl%d\nstate_dir = @STATE_DIR@\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\nusername = " USER "\npassword_file = %s\n",
		 (int) getpid(), f->broker.port, password);
	assert_int_equal(daemon_write_config(&f->daemon, text), 0);
	assert_int_equal(daemon_start(&f->daemon, NULL), 0);
	assert_int_equal(daemon_wait_notify(&f->daemon, "READY=1", 10000), 0);
	assert_int_equal(daemon_wait_log(&f->daemon, "connected to MQTT broker", 10000), 0);

	/* bedroomctl's configuration: the same, with the password as the service's credential. */
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = ctl%d\nstate_dir = %s\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\nusername = " USER "\n",
		 (int) getpid(), f->daemon.state_dir, f->broker.port);
	write_file(f->dir, "bedroomd.conf", text, ctl_config, sizeof(ctl_config));
	cramp[1] = ctl_config;
	assert_int_equal(unsetenv("CREDENTIALS_DIRECTORY"), 0);
	status = run_program(getenv("BEDROOMCTL"), cramp, &out);
	if (status != 69 || strstr(out, "once the broker is back") || strstr(out, ".: ") ||
	    !strstr(out, "bedroomctl: warning: ") ||
	    !strstr(out, "no password will be sent for user '" USER "'") ||
	    !strstr(out, "bedroomctl sent no password") ||
	    !strstr(out, "CREDENTIALS_DIRECTORY=DIR") || !strstr(out, "once bedroomctl is let in"))
		fail_msg("exit %d; want the warning, 'sent no password' and what to do, not "
			 "'once the broker is back':\n%s",
			 status, out);
	free(out);

	/* With the credential's directory, as the README says: logged. */
	assert_int_equal(setenv("CREDENTIALS_DIRECTORY", f->dir, 1), 0);
	status = run_program(getenv("BEDROOMCTL"), cramp, &out);
	assert_int_equal(unsetenv("CREDENTIALS_DIRECTORY"), 0);
	if (status != 0 || strstr(out, "warning"))
		fail_msg("exit %d with the credential:\n%s", status, out);
	free(out);
	snprintf(db, sizeof(db), "%s/bedroomd.db", f->daemon.state_dir);
	for (long long end = now_ms() + 10000; store_count_rows(db, "cramps", "1") != 1;
	     usleep(100000))
		if (now_ms() > end)
			fail_msg("the cramp is not in the store");

	/* A wrong password is said as one, with where it came from. */
	write_file(f->dir, "mqtt-password", "wrong\n", password, sizeof(password));
	assert_int_equal(setenv("CREDENTIALS_DIRECTORY", f->dir, 1), 0);
	status = run_program(getenv("BEDROOMCTL"), cramp, &out);
	assert_int_equal(unsetenv("CREDENTIALS_DIRECTORY"), 0);
	if (status != 69 || !strstr(out, "with the password from '") ||
	    !strstr(out, "/mqtt-password'") || strstr(out, "once the broker is back"))
		fail_msg("exit %d; want the refused password and where it came from:\n%s", status,
			 out);
	free(out);
}

/* How many non-empty retained configs of this bedroom's node the broker holds. */
static size_t retained_configs(struct fixture *f, const char *needle)
{
	const struct message *msgs;
	struct client *c = NULL;
	char filter[128];
	size_t n, count = 0;

	snprintf(filter, sizeof(filter), "homeassistant/+/%s/+/config", f->base + 9);
	assert_int_equal(client_new(&f->broker, filter, &c), 0);
	(void) client_wait(c, "no/such/topic", NULL, 500);
	n = client_messages(c, &msgs);
	for (size_t i = 0; i < n; i++)
		count += msgs[i].retained && msgs[i].payload[0] &&
			 (!needle || strstr(msgs[i].payload, needle));
	client_free(c);
	return count;
}

static void test_ha_remove_takes_the_device_out(void **state)
{
	struct fixture *f = *state;
	const char *dry[] = { "ha-remove", "--dry-run", NULL };
	const char *remove[] = { "ha-remove", NULL };
	char topic[128], device[64], *out;
	size_t announced;

	snprintf(device, sizeof(device), "\"bedroomd_%s\"", f->base + 9);
	/* Someone else's entity under the same node id stays. */
	snprintf(topic, sizeof(topic), "homeassistant/sensor/%s/other/config", f->base + 9);
	assert_int_equal(client_publish(f->client, topic,
					"{\"name\":\"x\",\"device\":{\"identifiers\":[\"other\"]}}",
					true),
			 0);
	for (long long end = now_ms() + 10000; now_ms() < end && retained_configs(f, device) < 10;)
		usleep(200000);
	announced = retained_configs(f, device);
	assert_true(announced >= 10);
	/* Refused while it runs: it would announce them again. */
	assert_int_equal(ctl(f, remove, &out), 75);
	assert_non_null(strstr(out, "is online"));
	free(out);
	assert_int_equal(retained_configs(f, device), announced);
	/* A dry run lists them, and exits as the real run would. */
	assert_int_equal(ctl(f, dry, &out), 75);
	assert_non_null(strstr(out, "would remove homeassistant/button/"));
	assert_non_null(strstr(out, "is online"));
	free(out);
	assert_int_equal(retained_configs(f, device), announced);
	kill(f->daemon.pid, SIGTERM);
	assert_true(daemon_wait_exit(&f->daemon, 10000) >= 0);

	assert_int_equal(ctl(f, dry, &out), 0);
	assert_non_null(strstr(out, "would remove homeassistant/button/"));
	assert_null(strstr(out, "/other/config"));
	free(out);
	assert_int_equal(retained_configs(f, device), announced);

	assert_int_equal(ctl(f, remove, &out), 0);
	assert_non_null(strstr(out, "removed homeassistant/event/"));
	assert_non_null(strstr(out, "entities of device 'bedroomd_"));
	free(out);
	assert_int_equal(retained_configs(f, device), 0);
	assert_int_equal(retained_configs(f, "\"other\""), 1);
	/* Nothing left: said so. */
	assert_int_equal(ctl(f, remove, &out), 0);
	assert_non_null(strstr(out, "has no entity of device"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_logged_cramps_are_in_the_report, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cramp_to_an_unused_base_topic_is_refused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_an_unresolvable_host_is_said, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_a_broker_that_never_answers_the_connect_is_said_in_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cramp_while_offline_is_logged_when_back, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cramp_with_the_services_credential,
						setup_nothing, teardown),
		cmocka_unit_test_setup_teardown(test_ha_remove_takes_the_device_out, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
