/*
 * Messages read: copied while libmosquitto reads, handed to the slots once its
 * read is over (see mqtt_on_message()).
 */
#include <stdlib.h>

#include <mosquitto.h>

#include "daemon/mqtt-internal.h"
#include "daemon/warn-limit.h"

/* A message as libmosquitto gave it, copied. */
struct mqtt_received {
	struct mqtt_received *next;
	struct mosquitto_message msg;
};

static void dispatch(struct mqtt *m, const struct mosquitto_message *msg)
{
	if (msg->payloadlen < 0)
		return;
	/* libmosquitto gives an empty payload as NULL; handlers get "" (memchr(NULL, ...) is UB).
	 */
	mqtt_slots_dispatch(
	    m, &(const struct mqtt_message){ .topic = msg->topic,
					     .payload = msg->payload ? msg->payload : "",
					     .len = (size_t) msg->payloadlen,
					     .retained = msg->retain });
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
	if (msg->payloadlen > MQTT_MESSAGE_MAX) {
		warn_limited(&m->warn_large,
			     "ignoring a %d-byte message on '%s': more than %d bytes",
			     msg->payloadlen, msg->topic, MQTT_MESSAGE_MAX);
		return;
	}
	r = calloc(1, sizeof(*r));
	if (!r || mosquitto_message_copy(&r->msg, msg) != MOSQ_ERR_SUCCESS) {
		free(r);
		dispatch(m, msg); /* out of memory: late rather than never */
		return;
	}
	if (m->received_tail)
		m->received_tail->next = r;
	else
		m->received = r;
	m->received_tail = r;
}

static void drop_received(struct mqtt_received *r)
{
	mosquitto_message_free_contents(&r->msg);
	free(r);
}

void mqtt_deliver(struct mqtt *m)
{
	struct mqtt_received *r;

	while ((r = m->received)) {
		m->received = r->next;
		if (!m->received)
			m->received_tail = NULL;
		dispatch(m, &r->msg);
		drop_received(r);
	}
}

void mqtt_received_clear(struct mqtt *m)
{
	struct mqtt_received *r;

	while ((r = m->received)) {
		m->received = r->next;
		drop_received(r);
	}
	m->received_tail = NULL;
}
