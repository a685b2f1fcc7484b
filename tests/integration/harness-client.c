/* The tests' MQTT client (tests/integration/harness.h): it records what it hears. */
#include "tests/integration/harness.h"

#include <errno.h>
#include <mosquitto.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct client {
	struct mosquitto *mosq;
	struct message *msgs;
	size_t n_msgs;
	int acked_mid; /* the last PUBACK's message id */
};

static void on_publish(struct mosquitto *mosq, void *userdata, int mid)
{
	struct client *c = userdata;

	c->acked_mid = mid;
}

static void on_message(struct mosquitto *mosq, void *userdata, const struct mosquitto_message *m)
{
	struct client *c = userdata;
	struct message *msgs = realloc(c->msgs, (c->n_msgs + 1) * sizeof(*msgs));

	if (!msgs)
		return;
	c->msgs = msgs;
	msgs[c->n_msgs].topic = strdup(m->topic);
	msgs[c->n_msgs].payload = strndup(m->payload ? m->payload : "", (size_t) m->payloadlen);
	msgs[c->n_msgs].retained = m->retain;
	c->n_msgs++;
}

int client_new(const struct broker *b, const char *filter, struct client **ret)
{
	struct client *c = calloc(1, sizeof(*c));
	char id[64];
	int rc;

	if (!c)
		return -ENOMEM;
	mosquitto_lib_init(); /* counted: safe to call for every client */
	snprintf(id, sizeof(id), "test-%d-%lld", (int) getpid(), now_ms());
	c->mosq = mosquitto_new(id, true, c);
	if (!c->mosq) {
		free(c);
		return -ENOMEM;
	}
	mosquitto_message_callback_set(c->mosq, on_message);
	mosquitto_publish_callback_set(c->mosq, on_publish);
	rc = mosquitto_connect(c->mosq, "127.0.0.1", b->port, 30);
	if (rc == MOSQ_ERR_SUCCESS)
		rc = mosquitto_subscribe(c->mosq, NULL, filter, 1);
	/* Let the SUBACK and the retained messages arrive. */
	for (long long end = now_ms() + 300; rc == MOSQ_ERR_SUCCESS && now_ms() < end;)
		rc = mosquitto_loop(c->mosq, 50, 1);
	if (rc != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "# test client: %s\n", mosquitto_strerror(rc));
		client_free(c);
		return -ECONNREFUSED;
	}
	*ret = c;
	return 0;
}

size_t client_messages(const struct client *c, const struct message **ret)
{
	*ret = c->msgs;
	return c->n_msgs;
}

size_t client_count(const struct client *c, const char *topic, const char *payload)
{
	size_t count = 0;

	for (size_t i = 0; i < c->n_msgs; i++)
		if (strcmp(c->msgs[i].topic, topic) == 0 &&
		    strcmp(c->msgs[i].payload, payload) == 0)
			count++;
	return count;
}

void client_clear(struct client *c)
{
	for (size_t i = 0; i < c->n_msgs; i++) {
		free(c->msgs[i].topic);
		free(c->msgs[i].payload);
	}
	free(c->msgs);
	c->msgs = NULL;
	c->n_msgs = 0;
}

struct client *client_free(struct client *c)
{
	if (!c)
		return NULL;
	client_clear(c);
	mosquitto_disconnect(c->mosq);
	mosquitto_destroy(c->mosq);
	free(c);
	return NULL;
}

static bool matches(const struct message *m, const char *topic, const char *payload)
{
	if (strcmp(m->topic, topic) != 0)
		return false;
	if (!payload)
		return true;
	if (payload[0] == '~')
		return strstr(m->payload, payload + 1) != NULL;
	return strcmp(m->payload, payload) == 0;
}

const struct message *client_wait(struct client *c, const char *topic, const char *payload,
				  int timeout_ms)
{
	long long end = now_ms() + timeout_ms;
	size_t seen = 0;

	for (;;) {
		for (; seen < c->n_msgs; seen++)
			if (matches(&c->msgs[seen], topic, payload))
				return &c->msgs[seen];
		if (now_ms() >= end)
			return NULL;
		if (mosquitto_loop(c->mosq, 50, 1) != MOSQ_ERR_SUCCESS) {
			usleep(50000);
			(void) mosquitto_reconnect(c->mosq);
		}
	}
}

int client_publish(struct client *c, const char *topic, const char *payload, bool retain)
{
	int rc = mosquitto_publish(c->mosq, NULL, topic, (int) strlen(payload), payload, 1, retain);

	for (int i = 0; i < 5 && rc == MOSQ_ERR_SUCCESS; i++)
		rc = mosquitto_loop(c->mosq, 20, 1);
	return rc == MOSQ_ERR_SUCCESS ? 0 : -EIO;
}

int client_publish_fast(struct client *c, const char *topic, const void *payload, size_t len,
			int qos)
{
	int rc = mosquitto_publish(c->mosq, NULL, topic, (int) len, payload, qos, false);

	if (rc == MOSQ_ERR_SUCCESS)
		rc = mosquitto_loop(c->mosq, 0, 1);
	return rc == MOSQ_ERR_SUCCESS ? 0 : -EIO;
}

int client_publish_acked(struct client *c, const char *topic, const char *payload, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;
	int mid = 0, rc;

	c->acked_mid = 0;
	rc = mosquitto_publish(c->mosq, &mid, topic, (int) strlen(payload), payload, 1, false);
	while (rc == MOSQ_ERR_SUCCESS && c->acked_mid != mid) {
		if (now_ms() >= end)
			return -ETIMEDOUT;
		rc = mosquitto_loop(c->mosq, 10, 1);
	}
	return rc == MOSQ_ERR_SUCCESS ? 0 : -EIO;
}
