/*
 * A subscription the broker refuses: a real mosquitto whose ACL does not let
 * bedroomd's user read the thermometer's topic answers its SUBSCRIBE with a
 * SUBACK of 0x80. The journal must say so at once, naming the topic, the
 * broker and the user (it used to say nothing: the thermometer only looked
 * silent later), once per connection, and again after a reconnect.
 *
 * mosquitto 2.0's acl_file does not refuse a subscription (it grants it and
 * drops every message on it), so the ACL here is the dynamic security
 * plugin's, which does: a role that denies subscribing to the topic (the
 * plugin comes with Debian's mosquitto package; without it the test fails).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/integration/harness.h"

#define USER     "bedroom"
#define PASSWORD "bedroom-pw"
/* PBKDF2-SHA512 of PASSWORD, 101 iterations, salt "bedroomdtest", as dynsec stores it. */
#define PASSWORD_HASH                                                                              \
	"aQhMlr5Ykl/fvNfmMoYATxI+2FdxgXytxFiO7Xv4XGP2LedwbiV3rY2CO4hzsRrALAPuCtpLiYFKPW9oeNQ24A=="
#define PASSWORD_SALT "YmVkcm9vbWR0ZXN0"

struct fixture {
	struct broker broker;
	struct daemon daemon;
	struct client *client;
	char dir[64]; /* the ACL and the password file */
	char base[64];
	char thermometer[96];
};

static int teardown(void **state)
{
	struct fixture *f = *state;
	char *log;

	if (!f)
		return 0;
	log = f->broker.dir[0] ? broker_log(&f->broker) : NULL;
	if (log && *log)
		fprintf(stderr, "# mosquitto's log:\n%s", log);
	free(log);
	harness_teardown(f->client, &f->daemon, &f->broker);
	remove_tree(f->dir);
	free(f);
	return 0;
}

static int write_file(const char *dir, const char *name, const char *text, mode_t mode, char *path,
		      size_t size)
{
	FILE *file;

	snprintf(path, size, "%s/%s", dir, name);
	file = fopen(path, "we");
	if (!file)
		return -1;
	fputs(text, file);
	if (fclose(file) != 0 || chmod(path, mode) < 0)
		return -1;
	return 0;
}

/*
 * Everyone may do everything (the test's client is anonymous), except that
 * USER may not subscribe to the thermometer's topic.
 */
static int write_acl(struct fixture *f, char *path, size_t size)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "{\n"
		 " \"clients\": [{\"username\": \"" USER "\", \"password\": \"" PASSWORD_HASH
		 "\",\n"
		 "   \"salt\": \"" PASSWORD_SALT "\", \"iterations\": 101,\n"
		 "   \"roles\": [{\"rolename\": \"bedroomd\"}]}],\n"
		 " \"roles\": [{\"rolename\": \"bedroomd\", \"acls\": [\n"
		 "   {\"acltype\": \"subscribeLiteral\", \"topic\": \"%s\", \"allow\": false}]}],\n"
		 " \"defaultACLAccess\": {\"publishClientSend\": true, \"publishClientReceive\": "
		 "true,\n"
		 "   \"subscribe\": true, \"unsubscribe\": true}\n"
		 "}\n",
		 f->thermometer);
	/* mosquitto started as root reads it as the user "mosquitto". */
	if (chmod(f->dir, 0755) < 0)
		return -1;
	return write_file(f->dir, "dynamic-security.json", text, 0644, path, size);
}

static int setup(void **state)
{
	const char *plugin = getenv("MOSQUITTO_DYNSEC");
	struct fixture *f;
	char acl[128], password[128], conf[512], text[2048];

	*state = NULL;
	if (!plugin || !*plugin || access(plugin, R_OK) < 0) {
		/* It comes with Debian's mosquitto package: missing, the test fails, never skips.
		 */
		fprintf(stderr, "# mosquitto's dynamic security plugin is missing: '%s'\n",
			plugin ? plugin : "");
		return -1;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	*state = f;
	f->daemon.notify_fd = -1;
	snprintf(f->base, sizeof(f->base), "bedroomd/acl%d", (int) getpid());
	snprintf(f->thermometer, sizeof(f->thermometer), "test%d/bedroom_thermometer",
		 (int) getpid());
	if (make_temp_dir(f->dir, sizeof(f->dir), "acl") < 0 ||
	    write_acl(f, acl, sizeof(acl)) < 0 ||
	    write_file(f->dir, "password", PASSWORD "\n", 0600, password, sizeof(password)) < 0)
		goto fail;
	snprintf(conf, sizeof(conf), "plugin %s\nplugin_opt_config_file %s\n", plugin, acl);
	if (broker_start_conf(&f->broker, conf) < 0 || daemon_prepare(&f->daemon) < 0 ||
	    client_new(&f->broker, "#", &f->client) < 0)
		goto fail;
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = acl%d\nstate_dir = @STATE_DIR@\nlog_level = debug\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\nusername = " USER "\npassword_file = %s\n"
		 "[sensor.bed]\ntype = mqtt\ntopic = %s\njson_key = temperature\n",
		 (int) getpid(), f->broker.port, password, f->thermometer);
	if (daemon_write_config(&f->daemon, text) < 0)
		goto fail;
	return 0;
fail:
	teardown(state);
	return -1;
}

/* Adds @text to the end of the daemon's config (its last section, [sensor.bed]). */
static void append_config(struct fixture *f, const char *text)
{
	FILE *file = fopen(f->daemon.config_path, "ae");

	assert_non_null(file);
	fputs(text, file);
	assert_int_equal(fclose(file), 0);
}

static size_t count(const char *haystack, const char *needle)
{
	size_t n = 0;

	for (const char *p = haystack; p && (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static size_t count_in_log(struct fixture *f, const char *needle)
{
	char *log = daemon_stderr(&f->daemon);
	size_t n = count(log, needle);

	free(log);
	return n;
}

/* Waits until the daemon's log holds @needle @n times; 0 or -1. */
static int wait_count(struct fixture *f, const char *needle, size_t n, int timeout_ms)
{
	for (long long end = now_ms() + timeout_ms; now_ms() < end; usleep(100000))
		if (count_in_log(f, needle) >= n)
			return 0;
	return -1;
}

static void test_a_refused_subscription_is_said(void **state)
{
	struct fixture *f = *state;
	char needle[512], again[256];

	assert_int_equal(daemon_start_online(&f->daemon, f->client, f->base), 0);
	snprintf(needle, sizeof(needle),
		 "error: the MQTT broker 127.0.0.1:%d refused the subscription to '%s' for user "
		 "'" USER "'",
		 f->broker.port, f->thermometer);
	if (wait_count(f, needle, 1, 10000) < 0)
		fail_msg("no error naming the refused topic, the broker and the user");
	assert_int_equal(count_in_log(f, "check that its ACL (acl_file"), 1);
	assert_int_equal(count_in_log(f, "until then bedroomd hears nothing published there"), 1);
	/* Its own topics were granted: only the thermometer's is refused. */
	assert_int_equal(count_in_log(f, "refused the subscription"), 1);

	/*
	 * A reload that changes the thermometer subscribes to its topic again on
	 * this connection: refused again, said at debug only.
	 */
	append_config(f, "max_age = 5m\n");
	assert_int_equal(kill(f->daemon.pid, SIGHUP), 0);
	if (wait_count(f, "reloaded '", 1, 10000) < 0)
		fail_msg("no reload");
	snprintf(again, sizeof(again), "refused the subscription to '%s' again", f->thermometer);
	if (wait_count(f, again, 1, 5000) < 0)
		fail_msg("the reload did not subscribe to the thermometer's topic again");
	assert_int_equal(count_in_log(f, "error: the MQTT broker"), 1);

	/* Each connection says it once: a reconnect (the broker restarted) again. */
	broker_stop(&f->broker);
	assert_int_equal(broker_restart(&f->broker), 0);
	if (wait_count(f, "connected to MQTT broker", 2, 30000) < 0)
		fail_msg("not connected again");
	if (wait_count(f, needle, 2, 10000) < 0)
		fail_msg("the refusal was not said again on the new connection");
	sleep(2);
	assert_int_equal(count_in_log(f, "error: the MQTT broker"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_a_refused_subscription_is_said, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
