/*
 * Messages read: copied while libmosquitto reads, handed to the slots once its
 * read is over (see mqtt_on_message()).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto.h>

#include "daemon/mqtt-internal.h"
#include "daemon/warn-limit.h"

/*
 * A message as libmosquitto gave it, copied into one allocation: the topic,
 * then the payload, each followed by a NUL (a payload handlers may read as a
 * string, as libmosquitto's own copy allows).
 */
struct mqtt_received {
	struct mqtt_received *next;
	size_t topic_len, len;
	bool retained;
	char data[];
};

static void dispatch(struct mqtt *m, const char *topic, const void *payload, size_t len,
		     bool retained)
{
	/* libmosquitto gives an empty payload as NULL; handlers get "" (memchr(NULL, ...) is UB).
	 */
	mqtt_slots_dispatch(m, &(const struct mqtt_message){ .topic = topic,
							     .payload = payload ? payload : "",
							     .len = len,
							     .retained = retained });
}

static struct mqtt_received *received_copy(const struct mosquitto_message *msg)
{
	size_t topic_len = strlen(msg->topic), len = (size_t) msg->payloadlen;
	struct mqtt_received *r = malloc(sizeof(*r) + topic_len + 1 + len + 1);

	if (!r)
		return NULL;
	*r = (struct mqtt_received){ .topic_len = topic_len, .len = len, .retained = msg->retain };
	memcpy(r->data, msg->topic, topic_len + 1);
	if (len > 0)
		memcpy(r->data + topic_len + 1, msg->payload, len);
	r->data[topic_len + 1 + len] = '\0';
	return r;
}

/*
 * Inside this callback libmosquitto holds its locks and only queues what a
 * handler publishes; the message waits for the read to be over (mqtt_deliver()),
 * so that a heater command a handler publishes goes to the socket at once,
 * before the handlers go on to build the state.
 */
void mqtt_on_message(struct mosquitto *mosq, void *userdata, const struct mosquitto_message *msg)
{
	struct mqtt *m = userdata;
	struct mqtt_received *r;

	m->n_read++;
	/* libmosquitto answers QoS 1 and 2 during the same read. */
	if (msg->qos > 0)
		m->read_answered = true;
	if (msg->payloadlen < 0 || !msg->topic || (msg->payloadlen > 0 && !msg->payload))
		return;
	if (msg->payloadlen > MQTT_MESSAGE_MAX) {
		warn_limited(&m->warn_large,
			     "ignoring a %d-byte message on '%s': more than %d bytes",
			     msg->payloadlen, msg->topic, MQTT_MESSAGE_MAX);
		return;
	}
	r = received_copy(msg);
	if (!r) { /* out of memory: late rather than never */
		dispatch(m, msg->topic, msg->payload, (size_t) msg->payloadlen, msg->retain);
		return;
	}
	if (m->received_tail)
		m->received_tail->next = r;
	else
		m->received = r;
	m->received_tail = r;
}

void mqtt_deliver(struct mqtt *m)
{
	struct mqtt_received *r;

	while ((r = m->received)) {
		m->received = r->next;
		if (!m->received)
			m->received_tail = NULL;
		dispatch(m, r->data, r->data + r->topic_len + 1, r->len, r->retained);
		free(r);
	}
}

void mqtt_received_clear(struct mqtt *m)
{
	struct mqtt_received *r;

	while ((r = m->received)) {
		m->received = r->next;
		free(r);
	}
	m->received_tail = NULL;
}
