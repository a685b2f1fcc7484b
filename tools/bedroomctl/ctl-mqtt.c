/* bedroomctl and the broker: the one file of bedroomctl that talks to libmosquitto. */
#include <errno.h>
#include <mosquitto.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "daemon/mosquitto-errno.h"
#include "daemon/mqtt-tls-error.h"
#include "tools/bedroomctl/ctl-mqtt.h"

struct session {
	int connack;   /* -1 until the broker answered */
	int acked_mid; /* the last PUBACK */
	const char *const *topics;
	size_t n_topics;
	char **payloads;
	size_t n_received;
	int error;
	/* A sweep: the retained messages under a filter that @keep wants. */
	const char *filter;
	bool (*keep)(const char *topic, const char *payload, void *arg);
	void *keep_arg;
	char **found;
	size_t n_found;
	int64_t quiet_until; /* the sweep is over when nothing came until then */
	int quiet_ms;
	unsigned n_acked;
	const char *ca_file;              /* TLS: the first error libmosquitto logs is explained */
	const char *cert_file;            /* a client certificate is sent */
	const struct config_mqtt *config; /* what was sent, for a refusal */
};

/*
 * Why TLS failed, kept past the session for the caller's message (bedroomctl
 * makes one session at a time). Empty: nothing said.
 */
static char tls_error[256];
/* OpenSSL said "unexpected eof" in the handshake: a plain port, said as the daemon says it. */
static bool tls_eof;

/* No errno says it: errno_from_mosq() makes it "No route to host". */
static const char cannot_resolve[] = "cannot resolve the host name";

/*
 * Why the broker refused the connection (its CONNACK), with what bedroomctl
 * sent: a refusal for want of a password is no broker that is away, and
 * trying again later fails the same way. Empty: not refused.
 */
static char refused_error[768];

/* The credential the service gets from LoadCredential= (config/config-secret.c reads it). */
#define CREDENTIAL_NAME "mqtt-password"

/* Says in refused_error why the broker refused @m's user with CONNACK @code. */
static void say_refused(const struct config_mqtt *m, int code)
{
	const char *dir = getenv("CREDENTIALS_DIRECTORY");
	char why[128];
	size_t len;

	/* libmosquitto's words end in '.', and ours follow them ("not authorised.: "). */
	snprintf(why, sizeof(why), "%s", mosquitto_connack_string(code));
	len = strlen(why);
	if (len > 0 && why[len - 1] == '.')
		why[len - 1] = '\0';

	if (code != 4 && code != 5) /* not "bad user name or password", not "not authorised" */
		snprintf(refused_error, sizeof(refused_error),
			 "the broker refused the connection: %s", why);
	else if (!m->username)
		snprintf(refused_error, sizeof(refused_error),
			 "the broker refused the connection: %s: bedroomctl sent no user name "
			 "(username in [mqtt] of the configuration)",
			 why);
	else if (!m->password && dir && *dir)
		snprintf(refused_error, sizeof(refused_error),
			 "the broker refused user '%s': %s: bedroomctl sent no password (no "
			 "password_file in [mqtt], and no %s in $CREDENTIALS_DIRECTORY '%s')",
			 m->username, why, CREDENTIAL_NAME, dir);
	else if (!m->password)
		snprintf(refused_error, sizeof(refused_error),
			 "the broker refused user '%s': %s: bedroomctl sent no password: there is "
			 "no password_file in [mqtt], and a credential the service loads "
			 "(LoadCredential=%s:FILE) is the service's only. Run bedroomctl with it: "
			 "sudo env CREDENTIALS_DIRECTORY=DIR bedroomctl ..., DIR the directory of "
			 "that FILE, named %s (README: Security); or set password_file to a file "
			 "root can read",
			 m->username, why, CREDENTIAL_NAME, CREDENTIAL_NAME);
	else
		snprintf(refused_error, sizeof(refused_error),
			 "the broker refused user '%s' with the password from '%s%s%s': %s (is it "
			 "the password the broker has for that user?)",
			 m->username,
			 m->password_file ? m->password_file
			 : dir            ? dir
					  : "",
			 m->password_file ? "" : "/", m->password_file ? "" : CREDENTIAL_NAME, why);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_connect(struct mosquitto *mosq, void *userdata, int rc)
{
	struct session *s = userdata;

	s->connack = rc;
	if (rc == 0)
		for (size_t i = 0; i < s->n_topics; i++)
			mosquitto_subscribe(mosq, NULL, s->topics[i], 0);
	if (rc == 0 && s->filter) {
		mosquitto_subscribe(mosq, NULL, s->filter, 0);
		s->quiet_until = now_ms() + s->quiet_ms;
	}
}

static void on_log(struct mosquitto *mosq, void *userdata, int level, const char *line)
{
	struct session *s = userdata;

	/*
	 * The first error is the cause; later ones are its echoes. OpenSSL's
	 * "unexpected eof" is a plain port's end of file: said as the daemon says it.
	 */
	if (level != MOSQ_LOG_ERR || !line || tls_error[0] || s->connack >= 0 ||
	    !mqtt_tls_error_line(line))
		return;
	/* Only in the handshake: after it, the end of file is a broker that closed (restarting). */
	if (strstr(line, "unexpected eof")) {
		SSL *ssl = mosquitto_ssl_get(mosq);

		tls_eof = !ssl || !SSL_is_init_finished(ssl);
	} else
		mqtt_tls_error_explain(mosq, line, s->ca_file, tls_error, sizeof(tls_error));
}

static void on_publish(struct mosquitto *mosq, void *userdata, int mid)
{
	struct session *s = userdata;

	s->acked_mid = mid;
	s->n_acked++;
}

/* A retained message of a sweep: kept when wanted (an empty one is no config any more). */
static void sweep_message(struct session *s, const struct mosquitto_message *m)
{
	char *payload, **grown;

	s->quiet_until = now_ms() + s->quiet_ms;
	if (m->payloadlen == 0)
		return;
	payload = strndup(m->payload, (size_t) m->payloadlen);
	if (!payload) {
		s->error = -ENOMEM;
		return;
	}
	if (s->keep(m->topic, payload, s->keep_arg)) {
		grown = realloc(s->found, (s->n_found + 1) * sizeof(*grown));
		if (!grown || !(grown[s->n_found] = strdup(m->topic))) {
			s->found = grown ? grown : s->found;
			s->error = -ENOMEM;
		} else {
			s->found = grown;
			s->n_found++;
		}
	}
	free(payload);
}

static void on_message(struct mosquitto *mosq, void *userdata, const struct mosquitto_message *m)
{
	struct session *s = userdata;

	if (!m->retain)
		return;
	if (s->filter) {
		sweep_message(s, m);
		return;
	}
	for (size_t i = 0; i < s->n_topics; i++) {
		char *p;

		if (strcmp(m->topic, s->topics[i]) != 0 || s->payloads[i])
			continue;
		p = malloc((size_t) m->payloadlen + 1);
		if (!p) {
			s->error = -ENOMEM;
			return;
		}
		memcpy(p, m->payload, (size_t) m->payloadlen);
		p[m->payloadlen] = '\0';
		s->payloads[i] = p;
		s->n_received++;
	}
}

/* Connects and waits for the broker's answer; runs the loop until @done or the deadline. */
static int run_until(struct mosquitto *mosq, struct session *s, int64_t deadline,
		     bool (*done)(const struct session *s, void *arg), void *arg,
		     const char **ret_error)
{
	while (!done(s, arg)) {
		int rc;

		if (now_ms() >= deadline) {
			*ret_error = tls_error[0]     ? tls_error
				     : s->connack < 0 ? "the broker did not answer in time"
						      : "no answer from the broker in time";
			return -ETIMEDOUT;
		}
		rc = mosquitto_loop(mosq, 100, 1);
		if (s->connack > 0) {
			say_refused(s->config, s->connack);
			*ret_error = refused_error;
			/* A refused login is no broker that is away: the caller says so. */
			return s->connack == 4 || s->connack == 5 ? -EACCES : -ECONNREFUSED;
		}
		if (rc != MOSQ_ERR_SUCCESS) {
			*ret_error = tls_error[0] ? tls_error
				     : s->connack >= 0
					 ? "lost the connection to the broker"
					 : mqtt_ended_before_connack(s->ca_file != NULL,
								     s->cert_file != NULL);
			/*
			 * A TLS handshake that failed (OpenSSL said why): its settings,
			 * not a broker away. One that closed after it is the broker's.
			 */
			if (s->connack < 0 && (tls_error[0] || tls_eof))
				return -EPROTO;
			return errno_from_mosq(rc);
		}
		if (s->error < 0) {
			*ret_error = "out of memory";
			return s->error;
		}
	}
	return 0;
}

static bool is_connected(const struct session *s, void *arg)
{
	return s->connack == 0;
}

static bool is_acked(const struct session *s, void *arg)
{
	return s->acked_mid == *(int *) arg;
}

static bool has_all(const struct session *s, void *arg)
{
	return s->n_received == s->n_topics;
}

static bool is_quiet(const struct session *s, void *arg)
{
	return s->connack == 0 && now_ms() >= s->quiet_until;
}

static bool all_acked(const struct session *s, void *arg)
{
	return s->n_acked >= *(const size_t *) arg;
}

static void on_alarm(int sig)
{
	(void) sig; /* only to interrupt connect() (no SA_RESTART) */
}

/*
 * mosquitto_connect() blocks in connect() and the TLS handshake: a host that
 * drops the SYNs (a firewall, a wrong address) held bedroomctl for the
 * kernel's two minutes of retries (a review). An alarm interrupts it after
 * @timeout_ms (in whole seconds, at least one). The resolver is not bounded by
 * it: glibc waits out its own timeouts.
 */
static int connect_bounded(struct mosquitto *mosq, const struct config_mqtt *m, int timeout_ms,
			   bool *ret_timed_out)
{
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	unsigned seconds = timeout_ms > 1000 ? (unsigned) ((timeout_ms + 999) / 1000) : 1;
	int rc, saved;

	sigemptyset(&sa.sa_mask);
	(void) sigaction(SIGALRM, &sa, &old);
	alarm(seconds);
	rc = mosquitto_connect(mosq, m->host, m->port, 30);
	saved = errno;
	*ret_timed_out = alarm(0) == 0 && rc != MOSQ_ERR_SUCCESS;
	(void) sigaction(SIGALRM, &old, NULL);
	errno = saved;
	return rc;
}

static int open_session(const struct config_mqtt *m, struct session *s, int timeout_ms,
			struct mosquitto **ret, const char **ret_error)
{
	struct mosquitto *mosq = NULL;
	bool handshake_failed, timed_out;
	int rc;

	mosquitto_lib_init();
	s->config = m;
	refused_error[0] = '\0';
	mosq = mosquitto_new(NULL, true, s);
	if (!mosq) {
		*ret_error = "out of memory";
		return -ENOMEM;
	}
	mosquitto_connect_callback_set(mosq, on_connect);
	mosquitto_publish_callback_set(mosq, on_publish);
	mosquitto_message_callback_set(mosq, on_message);
	rc = m->username ? mosquitto_username_pw_set(mosq, m->username, m->password)
			 : MOSQ_ERR_SUCCESS;
	if (rc == MOSQ_ERR_SUCCESS && m->ca_file) {
		s->ca_file = m->ca_file;
		s->cert_file = m->cert_file;
		tls_error[0] = '\0';
		tls_eof = false;
		mosquitto_log_callback_set(mosq, on_log);
		rc = mosquitto_tls_set(mosq, m->ca_file, NULL, m->cert_file, m->key_file, NULL);
	}
	if (rc != MOSQ_ERR_SUCCESS) {
		*ret_error = "cannot set up the connection (TLS files?)";
		goto fail;
	}
	rc = connect_bounded(mosq, m, timeout_ms, &timed_out);
	/* A failed handshake comes as MOSQ_ERR_TLS, or as the errno EPROTO. */
	handshake_failed =
	    m->ca_file && (rc == MOSQ_ERR_TLS || (rc == MOSQ_ERR_ERRNO && errno == EPROTO));
	if (rc != MOSQ_ERR_SUCCESS && timed_out) {
		*ret_error = "no answer to the connection in time (is the host or port right, and "
			     "does a firewall let it through?)";
		mosquitto_destroy(mosq);
		mosquitto_lib_cleanup();
		return -ETIMEDOUT;
	}
	if (rc != MOSQ_ERR_SUCCESS) {
		/*
		 * The handshake runs inside the connect: a refused certificate ends it
		 * here, and so may the alert of a broker that wants ours, before
		 * OpenSSL logged a word. A name that does not resolve says so, as the
		 * daemon does.
		 */
		*ret_error = tls_error[0]         ? tls_error
			     : rc == MOSQ_ERR_EAI ? cannot_resolve
			     : handshake_failed
				 ? mqtt_ended_before_connack(true, m->cert_file != NULL)
				 : "cannot connect to the broker";
		goto fail;
	}
	*ret = mosq;
	return 0;
fail:
	mosquitto_destroy(mosq);
	mosquitto_lib_cleanup();
	/* Never 0 here: the callers take 0 for a session to use. */
	return errno_from_mosq(rc) < 0 ? errno_from_mosq(rc) : -EIO;
}

static void close_session(struct mosquitto *mosq)
{
	mosquitto_disconnect(mosq);
	mosquitto_loop(mosq, 100, 1);
	mosquitto_destroy(mosq);
	mosquitto_lib_cleanup();
}

/* Publishes with QoS 1 on a session that is connecting or connected and waits for the PUBACK. */
static int publish_acked(struct mosquitto *mosq, struct session *s, const char *topic,
			 const char *payload, int64_t deadline, const char **ret_error)
{
	int mid, r;

	r = run_until(mosq, s, deadline, is_connected, NULL, ret_error);
	if (r < 0)
		return r;
	r = errno_from_mosq(
	    mosquitto_publish(mosq, &mid, topic, (int) strlen(payload), payload, 1, false));
	if (r < 0) {
		*ret_error = "cannot publish";
		return r;
	}
	return run_until(mosq, s, deadline, is_acked, &mid, ret_error);
}

/* Waits until @deadline for the retained messages of s->topics; how many came, or -errno. */
static int wait_retained(struct mosquitto *mosq, struct session *s, int64_t deadline,
			 const char **ret_error)
{
	int r = run_until(mosq, s, deadline, has_all, NULL, ret_error);

	if (r == -ETIMEDOUT && s->connack == 0)
		r = 0; /* what came, came */
	return r < 0 ? r : (int) s->n_received;
}

int ctl_mqtt_publish_if_retained(const struct config_mqtt *m, const char *retained_topic,
				 int retained_timeout_ms, const char *topic, const char *payload,
				 int timeout_ms, char **ret_retained, const char **ret_error)
{
	struct session s = {
		.connack = -1,
		.acked_mid = -1,
		.topics = &retained_topic,
		.n_topics = 1,
		.payloads = ret_retained,
	};
	struct mosquitto *mosq = NULL;
	int r;

	*ret_retained = NULL;
	r = open_session(m, &s, timeout_ms, &mosq, ret_error);
	if (r < 0)
		return r;
	/* From the connection on: a slow connect does not eat the wait for an answer. */
	r = wait_retained(mosq, &s, now_ms() + retained_timeout_ms, ret_error);
	if (r > 0)
		r = publish_acked(mosq, &s, topic, payload, now_ms() + timeout_ms, ret_error);
	close_session(mosq);
	if (r < 0) {
		free(*ret_retained);
		*ret_retained = NULL;
		return r;
	}
	return *ret_retained ? 1 : 0;
}

int ctl_mqtt_fetch_retained(const struct config_mqtt *m, const char *const *topics, size_t n,
			    char **ret_payloads, int timeout_ms, const char **ret_error)
{
	struct session s = {
		.connack = -1,
		.acked_mid = -1,
		.topics = topics,
		.n_topics = n,
		.payloads = ret_payloads,
	};
	struct mosquitto *mosq = NULL;
	int r;

	r = open_session(m, &s, timeout_ms, &mosq, ret_error);
	if (r < 0)
		return r;
	r = wait_retained(mosq, &s, now_ms() + timeout_ms, ret_error);
	close_session(mosq);
	return r;
}

int ctl_mqtt_clear_retained(const struct config_mqtt *m, const char *filter,
			    bool (*keep)(const char *topic, const char *payload, void *arg),
			    void *arg, bool dry_run, int quiet_ms, int timeout_ms,
			    char ***ret_topics, size_t *ret_n, const char **ret_error)
{
	struct session s = {
		.connack = -1,
		.acked_mid = -1,
		.filter = filter,
		.keep = keep,
		.keep_arg = arg,
		.quiet_ms = quiet_ms,
	};
	struct mosquitto *mosq = NULL;
	int64_t deadline;
	size_t n;
	int r;

	r = open_session(m, &s, timeout_ms, &mosq, ret_error);
	if (r < 0)
		return r;
	deadline = now_ms() + timeout_ms;
	r = run_until(mosq, &s, deadline, is_quiet, NULL, ret_error);
	/* Now only the empty configs: nothing more to collect. */
	s.filter = NULL;
	if (r >= 0 && !dry_run)
		(void) mosquitto_unsubscribe(mosq, NULL, filter);
	for (size_t i = 0; r >= 0 && !dry_run && i < s.n_found; i++) {
		r = errno_from_mosq(mosquitto_publish(mosq, NULL, s.found[i], 0, NULL, 1, true));
		if (r < 0)
			*ret_error = "cannot publish";
	}
	n = s.n_found;
	if (r >= 0 && !dry_run)
		r = run_until(mosq, &s, deadline, all_acked, &n, ret_error);
	close_session(mosq);
	if (r < 0) {
		for (size_t i = 0; i < s.n_found; i++)
			free(s.found[i]);
		free(s.found);
		return r;
	}
	*ret_topics = s.found;
	*ret_n = s.n_found;
	return 0;
}

/* Whether @error is one of mqtt_ended_before_connack()'s, which say what to check. */
static bool explained(const char *error)
{
	for (int tls = 0; tls < 2; tls++)
		for (int cert = 0; cert < 2; cert++)
			if (error == mqtt_ended_before_connack(tls, cert))
				return true;
	return false;
}

void ctl_mqtt_say_failure(const struct config_mqtt *m, const char *error, int r, const char *tail)
{
	if (!error)
		error = "cannot talk to the broker";
	/* What TLS said, or why the broker ended it, is the whole cause: no errno after it. */
	if (error == cannot_resolve || error == tls_error || error == refused_error ||
	    explained(error))
		fprintf(stderr, "bedroomctl: %s:%d: %s%s\n", m->host, m->port, error, tail);
	else
		fprintf(stderr, "bedroomctl: %s:%d: %s: %s%s\n", m->host, m->port, error,
			strerror(-r), tail);
}
