/*
 * TLS to the broker and a broker that cannot be reached: a real mosquitto with
 * TLS on 127.0.0.1, a CA and certificates this test makes with openssl. The
 * certificate and host name are verified; a client certificate works; each
 * cause of failure (wrong CA, host name mismatch, missing client certificate,
 * broker down, TLS and plain ports mixed up) is one warning however many
 * retries it takes, and in STATUS=.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/integration/harness.h"

#define WARNING "warning: cannot reach MQTT broker"
#define RETRY   "reconnecting to MQTT broker"

static char certs[64]; /* made once for the whole run */

struct fixture {
	struct broker broker;
	struct daemon daemon;
};

static size_t count(const char *text, const char *needle)
{
	size_t n = 0;

	for (const char *at = text; at && (at = strstr(at, needle)); at += strlen(needle))
		n++;
	return n;
}

/* Waits until the daemon's log holds @needle @n times at least; returns the log. */
static char *wait_count(struct daemon *d, const char *needle, size_t n, int timeout_ms)
{
	char *log = NULL;

	for (long long end = now_ms() + timeout_ms; now_ms() < end; usleep(50000)) {
		free(log);
		log = daemon_stderr(d);
		if (count(log, needle) >= n)
			return log;
	}
	fail_msg("'%s' not %zu times in the daemon's log:\n%s", needle, n, log);
	return log;
}

static void write_config(struct fixture *f, const char *tls)
{
	char text[1536];

	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = tls%d\nstate_dir = @STATE_DIR@\nlog_level = debug\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\n%s",
		 (int) getpid(), f->broker.port, tls);
	assert_int_equal(daemon_write_config(&f->daemon, text), 0);
}

/* A TLS listener with @cert (server or elsewhere) that requires a client certificate. */
static void start_tls_broker(struct fixture *f, const char *cert)
{
	char conf[512];

	snprintf(conf, sizeof(conf),
		 "cafile %s/ca.pem\ncertfile %s/%s.pem\nkeyfile %s/%s.key\n"
		 "require_certificate true\n",
		 certs, certs, cert, certs, cert);
	assert_int_equal(broker_start_conf(&f->broker, conf), 0);
}

static int group_setup(void **state)
{
	const char *args[] = { getenv("OPENSSL") ?: "openssl", certs, NULL };
	char *out = NULL;
	int status;

	snprintf(certs, sizeof(certs), "%s/bedroomd-certs-XXXXXX", getenv("TMPDIR") ?: "/tmp");
	if (!mkdtemp(certs))
		return -1;
	status = run_program(getenv("MAKE_TEST_CERTS"), args, &out);
	if (status != 0)
		fprintf(stderr, "# make-test-certs failed (%d):\n%s\n", status, out ? out : "");
	free(out);
	return status == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
	const char *args[] = { "-rf", certs, NULL };
	char *out = NULL;

	(void) run_program("/bin/rm", args, &out);
	free(out);
	return 0;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	*state = f;
	f->daemon.notify_fd = -1;
	return daemon_prepare(&f->daemon) < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	harness_teardown(NULL, &f->daemon, &f->broker);
	free(f);
	return 0;
}

/* Three attempts failed, and one warning said why: the one holding @cause. */
static void assert_one_warning(struct fixture *f, const char *cause)
{
	char *log = wait_count(&f->daemon, RETRY, 3, 30000);

	if (count(log, WARNING) != 1 || !strstr(log, cause))
		fail_msg("want one warning saying '%s':\n%s", cause, log);
	free(log);
	if (daemon_wait_notify(&f->daemon, cause, 1000) < 0)
		fail_msg("STATUS= does not say '%s':\n%s", cause, f->daemon.notify_log);
}

static void test_client_certificate_connects(void **state)
{
	struct fixture *f = *state;
	char tls[512], *log;

	start_tls_broker(f, "server");
	snprintf(tls, sizeof(tls),
		 "ca_file = %s/ca.pem\ncert_file = %s/client.pem\nkey_file = %s/client.key\n",
		 certs, certs, certs);
	write_config(f, tls);
	assert_int_equal(daemon_start(&f->daemon, NULL), 0);
	assert_int_equal(daemon_wait_notify(&f->daemon, "STATUS=Connected to MQTT broker", 15000),
			 0);
	log = broker_log(&f->broker);
	assert_non_null(strstr(log, "New client connected"));
	free(log);
	log = daemon_stderr(&f->daemon);
	assert_null(strstr(log, WARNING));
	free(log);
}

static void test_wrong_ca_is_one_warning(void **state)
{
	struct fixture *f = *state;
	char tls[512];

	start_tls_broker(f, "server");
	snprintf(tls, sizeof(tls),
		 "ca_file = %s/other-ca.pem\ncert_file = %s/client.pem\nkey_file = %s/client.key\n",
		 certs, certs, certs);
	write_config(f, tls);
	assert_int_equal(daemon_start(&f->daemon, NULL), 0);
	assert_one_warning(f, "the broker's certificate is refused");
	/* OpenSSL's reason does not name the file: the message does. */
	snprintf(tls, sizeof(tls), " (not signed by ca_file '%s/other-ca.pem')", certs);
	assert_one_warning(f, tls);
}

static void test_missing_client_certificate_is_one_warning(void **state)
{
	struct fixture *f = *state;
	char tls[512];

	start_tls_broker(f, "server");
	snprintf(tls, sizeof(tls), "ca_file = %s/ca.pem\n", certs);
	write_config(f, tls);
	assert_int_equal(daemon_start(&f->daemon, NULL), 0);
	assert_one_warning(f, "requires a client certificate");
}

/* Down first (no TCP connection), then up with a certificate for another name: two causes. */
static void test_cause_change_is_said_again(void **state)
{
	struct fixture *f = *state;
	char tls[512], *log;

	start_tls_broker(f, "elsewhere");
	broker_stop(&f->broker);
	snprintf(tls, sizeof(tls),
		 "ca_file = %s/ca.pem\ncert_file = %s/client.pem\nkey_file = %s/client.key\n",
		 certs, certs, certs);
	write_config(f, tls);
	assert_int_equal(daemon_start(&f->daemon, NULL), 0);
	assert_one_warning(f, "no TCP connection");
	assert_int_equal(broker_restart(&f->broker), 0);
	/* The back-off has grown by now: the cause, then one more retry that fails the same. */
	log = wait_count(&f->daemon, "certificate is refused: hostname mismatch", 2, 60000);
	if (count(log, WARNING) != 2)
		fail_msg("want two warnings, one per cause:\n%s", log);
	free(log);
	assert_int_equal(daemon_wait_notify(&f->daemon, "hostname mismatch", 1000), 0);
}

/* Plain TCP: the broker down at start, then up: one warning, then an info line. */
static void test_broker_down_then_up(void **state)
{
	struct fixture *f = *state;
	char *log;

	assert_int_equal(broker_start(&f->broker), 0);
	broker_stop(&f->broker);
	write_config(f, "");
	assert_int_equal(daemon_start(&f->daemon, NULL), 0);
	assert_one_warning(f, "Connection refused");
	assert_int_equal(broker_restart(&f->broker), 0);
	assert_int_equal(daemon_wait_log(&f->daemon, "connected to MQTT broker", 40000), 0);
	assert_int_equal(daemon_wait_notify(&f->daemon, "STATUS=Connected to", 1000), 0);
	log = daemon_stderr(&f->daemon);
	assert_int_equal(count(log, WARNING), 1);
	free(log);
}

/* TLS to a plain port, and plain to a TLS port: each said as what it may be, once. */
static void test_tls_to_a_plain_port_is_one_warning(void **state)
{
	struct fixture *f = *state;
	char tls[256];

	assert_int_equal(broker_start(&f->broker), 0);
	snprintf(tls, sizeof(tls),
		 "ca_file = %s/ca.pem\ncert_file = %s/client.pem\nkey_file = %s/client.key\n",
		 certs, certs, certs);
	write_config(f, tls);
	assert_int_equal(daemon_start(&f->daemon, NULL), 0);
	assert_one_warning(f, "does it speak TLS on this port?");
}

/*
 * TLS without a client certificate to a plain port (a user trial: ca_file set,
 * the port left at 1883): the plain port is named first, the certificate a
 * broker may want second.
 */
static void test_tls_without_a_certificate_to_a_plain_port(void **state)
{
	struct fixture *f = *state;
	char tls[256];

	assert_int_equal(broker_start(&f->broker), 0);
	snprintf(tls, sizeof(tls), "ca_file = %s/ca.pem\n", certs);
	write_config(f, tls);
	assert_int_equal(daemon_start(&f->daemon, NULL), 0);
	assert_one_warning(f, "TLS: the broker ended the handshake: does it speak TLS on this "
			      "port? (or it requires a client certificate: cert_file, key_file)");
}

/*
 * TLS to something that takes the TCP connection and never answers the
 * handshake (a broker hung, no broker at all): silence for a keepalive, said
 * as such, as without TLS. It was a bare "Connection timed out" (a user trial):
 * nothing woke the loop to see the TCP connection taken before libmosquitto's
 * keepalive check closed the socket.
 */
static void test_tls_to_a_silent_listener_says_no_connack(void **state)
{
	struct fixture *f = *state;
	char text[1536], *log;
	int port, listener = silent_listener(&port), r;

	assert_true(listener >= 0);
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = tls%d\nstate_dir = @STATE_DIR@\nlog_level = debug\n"
		 "[mqtt]\nhost = 127.0.0.1\nport = %d\nkeepalive = 5\nca_file = %s/ca.pem\n",
		 (int) getpid(), port, certs);
	assert_int_equal(daemon_write_config(&f->daemon, text), 0);
	assert_int_equal(daemon_start(&f->daemon, NULL), 0);
	r = daemon_wait_log(&f->daemon, "cannot reach MQTT broker", 30000);
	close(listener);
	log = daemon_stderr(&f->daemon);
	if (r < 0)
		fail_msg("no attempt failed against a listener that never answers:\n%s", log);
	if (!strstr(log, "the broker took the TCP connection but sent no CONNACK within 5 s "
			 "(keepalive): is it stopped or hung"))
		fail_msg("want 'sent no CONNACK within 5 s (keepalive)':\n%s", log);
	free(log);
}

static void test_plain_to_a_tls_port_is_one_warning(void **state)
{
	struct fixture *f = *state;

	start_tls_broker(f, "server");
	write_config(f, "");
	assert_int_equal(daemon_start(&f->daemon, NULL), 0);
	assert_one_warning(f, "does this port want TLS? set ca_file");
}

/* A CA file that is not PEM: no start at all, rather than a connection nobody verifies. */
static void test_non_pem_ca_file_refuses_to_start(void **state)
{
	struct fixture *f = *state;
	char tls[256], *log;
	int status;

	assert_int_equal(broker_start(&f->broker), 0);
	snprintf(tls, sizeof(tls), "ca_file = %s/not-pem.txt\n", certs);
	write_config(f, tls);
	assert_int_equal(daemon_start(&f->daemon, NULL), 0);
	status = daemon_wait_exit(&f->daemon, 10000);
	assert_true(status >= 0 && WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 78);
	log = daemon_stderr(&f->daemon);
	if (!strstr(log, "bedroomd.conf:8: ca_file") || !strstr(log, "holds no PEM certificate"))
		fail_msg("want FILE:LINE: and why:\n%s", log);
	free(log);
}

/*
 * bedroomctl says the same causes as the daemon (it said "Protocol error"):
 * a CA that did not sign the broker's certificate, a name the certificate does
 * not carry, a client certificate the broker wants, plain to a TLS port.
 */
static void test_bedroomctl_says_why(void **state)
{
	static const struct {
		const char *host, *ca; /* ca: NULL for plain TCP */
		bool client_cert;
		const char *cause, *or_cause;
	} cases[] = {
		{ "127.0.0.1", "other-ca", true, "not signed by ca_file", NULL },
		{ "localhost", "ca", true, "the broker's certificate is refused: hostname mismatch",
		  NULL },
		/* The alert read in the handshake, or after it: said either way. */
		{ "127.0.0.1", "ca", false, "certificate required",
		  "requires a client certificate" },
		{ "127.0.0.1", NULL, false, "does this port want TLS? set ca_file", NULL },
	};
	struct fixture *f = *state;

	start_tls_broker(f, "server");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *args[] = { "--config", f->daemon.config_path, "status", NULL };
		char tls[512] = "", cert[256] = "", text[1024], *out = NULL;
		int status;

		if (cases[i].client_cert)
			snprintf(cert, sizeof(cert),
				 "cert_file = %s/client.pem\nkey_file = %s/client.key\n", certs,
				 certs);
		if (cases[i].ca)
			snprintf(tls, sizeof(tls), "ca_file = %s/%s.pem\n%s", certs, cases[i].ca,
				 cert);
		snprintf(text, sizeof(text),
			 "[daemon]\nnode_id = tls%d\n[mqtt]\nhost = %s\nport = %d\n%s",
			 (int) getpid(), cases[i].host, f->broker.port, tls);
		assert_int_equal(daemon_write_config(&f->daemon, text), 0);
		status = run_program(getenv("BEDROOMCTL"), args, &out);
		if (status != 69 || !out ||
		    !(strstr(out, cases[i].cause) ||
		      (cases[i].or_cause && strstr(out, cases[i].or_cause))))
			fail_msg("bedroomctl status (%s): want exit 69 and '%s', got %d:\n%s",
				 cases[i].host, cases[i].cause, status, out ? out : "");
		/* The cause is the whole message: no errno that says something else after it. */
		if (strstr(out, "Protocol error") || strstr(out, "endpoint is not connected"))
			fail_msg("bedroomctl status (%s): an errno after the cause:\n%s",
				 cases[i].host, out);
		free(out);
	}
}

/*
 * bedroomctl with TLS to a plain port says what the daemon says, not OpenSSL's
 * "unexpected eof while reading"; and a cramp it could not send for a TLS
 * setting is not promised "once the broker is back" (a user trial).
 */
static void test_bedroomctl_tls_mistakes_say_what_to_fix(void **state)
{
	const char *status_args[] = { "--config", NULL, "status", NULL };
	const char *cramp_args[] = { "--config", NULL, "cramp", "--leg", "left", NULL };
	struct fixture *f = *state;
	char text[1024], *out = NULL;
	int status;

	assert_int_equal(broker_start(&f->broker), 0); /* plain */
	status_args[1] = cramp_args[1] = f->daemon.config_path;
	snprintf(text, sizeof(text),
		 "[daemon]\nnode_id = tls%d\n[mqtt]\nhost = 127.0.0.1\nport = %d\n"
		 "ca_file = %s/ca.pem\n",
		 (int) getpid(), f->broker.port, certs);
	assert_int_equal(daemon_write_config(&f->daemon, text), 0);
	status = run_program(getenv("BEDROOMCTL"), status_args, &out);
	if (status != 69 || !out || !strstr(out, "does it speak TLS on this port?") ||
	    strstr(out, "unexpected eof"))
		fail_msg("bedroomctl status, TLS to a plain port: want exit 69 and 'does it speak "
			 "TLS on this port?', got %d:\n%s",
			 status, out ? out : "");
	free(out);
	out = NULL;
	status = run_program(getenv("BEDROOMCTL"), cramp_args, &out);
	if (status != 69 || !out ||
	    !strstr(out, "once the TLS settings fit the broker (or it is") ||
	    strstr(out, "once the broker is back"))
		fail_msg("bedroomctl cramp, TLS to a plain port: want exit 69 and 'once the TLS "
			 "settings fit the broker', got %d:\n%s",
			 status, out ? out : "");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_client_certificate_connects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_ca_is_one_warning, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_client_certificate_is_one_warning,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_cause_change_is_said_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broker_down_then_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_non_pem_ca_file_refuses_to_start, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_tls_to_a_plain_port_is_one_warning, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_tls_to_a_silent_listener_says_no_connack,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_tls_without_a_certificate_to_a_plain_port,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_plain_to_a_tls_port_is_one_warning, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bedroomctl_says_why, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bedroomctl_tls_mistakes_say_what_to_fix, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
