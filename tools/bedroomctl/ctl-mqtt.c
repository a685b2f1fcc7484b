/* bedroomctl and the broker: the one file of bedroomctl that talks to libmosquitto. */
#include <errno.h>
#include <mosquitto.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "daemon/mosquitto-errno.h"
#include "tools/bedroomctl/ctl-mqtt.h"

struct session {
	int connack;   /* -1 until the broker answered */
	int acked_mid; /* the last PUBACK */
	const char *const *topics;
	size_t n_topics;
	char **payloads;
	size_t n_received;
	int error;
};

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
}

static void on_publish(struct mosquitto *mosq, void *userdata, int mid)
{
	struct session *s = userdata;

	s->acked_mid = mid;
}

static void on_message(struct mosquitto *mosq, void *userdata, const struct mosquitto_message *m)
{
	struct session *s = userdata;

	if (!m->retain)
		return;
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
			*ret_error = s->connack < 0 ? "the broker did not answer in time"
						    : "no answer from the broker in time";
			return -ETIMEDOUT;
		}
		rc = mosquitto_loop(mosq, 100, 1);
		if (s->connack > 0) {
			*ret_error = "the broker refused the connection (user name or password?)";
			return -EACCES;
		}
		if (rc != MOSQ_ERR_SUCCESS) {
			*ret_error = "lost the connection to the broker";
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

static int open_session(const struct config_mqtt *m, struct session *s, struct mosquitto **ret,
			const char **ret_error)
{
	struct mosquitto *mosq;
	int rc;

	mosquitto_lib_init();
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
	if (rc == MOSQ_ERR_SUCCESS && m->ca_file)
		rc = mosquitto_tls_set(mosq, m->ca_file, NULL, m->cert_file, m->key_file, NULL);
	if (rc != MOSQ_ERR_SUCCESS) {
		*ret_error = "cannot set up the connection (TLS files?)";
		goto fail;
	}
	rc = mosquitto_connect(mosq, m->host, m->port, 30);
	if (rc != MOSQ_ERR_SUCCESS) {
		*ret_error = "cannot connect to the broker";
		goto fail;
	}
	*ret = mosq;
	return 0;
fail:
	mosquitto_destroy(mosq);
	mosquitto_lib_cleanup();
	return errno_from_mosq(rc);
}

static void close_session(struct mosquitto *mosq)
{
	mosquitto_disconnect(mosq);
	mosquitto_loop(mosq, 100, 1);
	mosquitto_destroy(mosq);
	mosquitto_lib_cleanup();
}

int ctl_mqtt_publish(const struct config_mqtt *m, const char *topic, const char *payload,
		     int timeout_ms, const char **ret_error)
{
	struct session s = { .connack = -1, .acked_mid = -1 };
	int64_t deadline = now_ms() + timeout_ms;
	struct mosquitto *mosq;
	int mid, r;

	r = open_session(m, &s, &mosq, ret_error);
	if (r < 0)
		return r;
	r = run_until(mosq, &s, deadline, is_connected, NULL, ret_error);
	if (r < 0)
		goto out;
	r = errno_from_mosq(
	    mosquitto_publish(mosq, &mid, topic, (int) strlen(payload), payload, 1, false));
	if (r < 0) {
		*ret_error = "cannot publish";
		goto out;
	}
	r = run_until(mosq, &s, deadline, is_acked, &mid, ret_error);
out:
	close_session(mosq);
	return r;
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
	int64_t deadline = now_ms() + timeout_ms;
	struct mosquitto *mosq;
	int r;

	r = open_session(m, &s, &mosq, ret_error);
	if (r < 0)
		return r;
	r = run_until(mosq, &s, deadline, has_all, NULL, ret_error);
	close_session(mosq);
	if (r == -ETIMEDOUT && s.connack == 0)
		r = 0; /* what came, came */
	return r < 0 ? r : (int) s.n_received;
}
