#include "bench/bench-client.h"

#include <errno.h>
#include <mosquitto.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bench/bench-util.h"

struct bench_client {
	struct mosquitto *mosq;
	struct bench_msg *msgs;
	size_t n, cap;
	bench_client_handler_t handler;
	void *userdata;
	bool subscribed;
	bool in_handler; /* libmosquitto holds its locks: no loop_write() now */
};

static void on_message(struct mosquitto *mosq, void *userdata, const struct mosquitto_message *m)
{
	struct bench_client *c = userdata;
	struct bench_msg *msg;

	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 1024;
		struct bench_msg *p = realloc(c->msgs, cap * sizeof(*p));

		if (!p)
			return;
		c->msgs = p;
		c->cap = cap;
	}
	msg = &c->msgs[c->n];
	*msg = (struct bench_msg){ .topic = strdup(m->topic),
				   .payload = malloc((size_t) m->payloadlen + 1),
				   .len = (size_t) m->payloadlen,
				   .retained = m->retain,
				   .at_usec = bench_now_usec() };
	if (!msg->topic || !msg->payload) {
		free(msg->topic);
		free(msg->payload);
		return;
	}
	memcpy(msg->payload, m->payload, (size_t) m->payloadlen);
	msg->payload[m->payloadlen] = '\0';
	c->n++;
	if (c->handler) {
		c->in_handler = true;
		c->handler(c, msg, c->userdata);
		c->in_handler = false;
	}
}

static void on_subscribe(struct mosquitto *mosq, void *userdata, int mid, int n, const int *q)
{
	((struct bench_client *) userdata)->subscribed = true;
}

int bench_client_new(int port, const char *id, struct bench_client **ret)
{
	struct bench_client *c = calloc(1, sizeof(*c));
	int rc;

	if (!c)
		return -ENOMEM;
	mosquitto_lib_init();
	c->mosq = mosquitto_new(id, true, c);
	if (!c->mosq) {
		free(c);
		return -ENOMEM;
	}
	mosquitto_message_callback_set(c->mosq, on_message);
	mosquitto_subscribe_callback_set(c->mosq, on_subscribe);
	(void) mosquitto_int_option(c->mosq, MOSQ_OPT_TCP_NODELAY, 1);
	rc = mosquitto_connect(c->mosq, "127.0.0.1", port, 600);
	if (rc != MOSQ_ERR_SUCCESS) {
		bench_client_free(c);
		return -ECONNREFUSED;
	}
	*ret = c;
	return 0;
}

void bench_client_clear(struct bench_client *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->msgs[i].topic);
		free(c->msgs[i].payload);
	}
	c->n = 0;
}

struct bench_client *bench_client_free(struct bench_client *c)
{
	if (!c)
		return NULL;
	bench_client_clear(c);
	free(c->msgs);
	if (c->mosq) {
		(void) mosquitto_disconnect(c->mosq);
		(void) mosquitto_loop_write(c->mosq, 1);
		mosquitto_destroy(c->mosq);
	}
	free(c);
	return NULL;
}

void bench_client_set_handler(struct bench_client *c, bench_client_handler_t h, void *userdata)
{
	c->handler = h;
	c->userdata = userdata;
}

/*
 * The bench acknowledges what it reads at once, so that what it measures is
 * the subject and not its own delayed ACKs holding the broker's next packet
 * back (mosquitto's default: no set_tcp_nodelay).
 */
static void ack_now(int fd)
{
	int one = 1;

	(void) setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
}

int bench_clients_pump(struct bench_client **cs, size_t n, uint64_t timeout_usec)
{
	struct pollfd p[8];
	int r;

	if (n > 8)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		p[i] =
		    (struct pollfd){ .fd = mosquitto_socket(cs[i]->mosq),
				     .events = POLLIN |
					       (mosquitto_want_write(cs[i]->mosq) ? POLLOUT : 0) };
	r = poll(p, n, (int) ((timeout_usec + 999) / 1000));
	if (r < 0 && errno != EINTR)
		return -EIO;
	for (size_t i = 0; i < n; i++) {
		int rc = MOSQ_ERR_SUCCESS;

		if (p[i].revents & (POLLIN | POLLHUP | POLLERR)) {
			rc = mosquitto_loop_read(cs[i]->mosq, 1);
			ack_now(p[i].fd);
		}
		if (rc == MOSQ_ERR_SUCCESS && mosquitto_want_write(cs[i]->mosq))
			rc = mosquitto_loop_write(cs[i]->mosq, 1);
		if (rc == MOSQ_ERR_SUCCESS)
			rc = mosquitto_loop_misc(cs[i]->mosq);
		if (rc != MOSQ_ERR_SUCCESS)
			return -EIO;
	}
	return 0;
}

int bench_client_subscribe(struct bench_client *c, const char *filter)
{
	uint64_t end = bench_now_usec() + 5000000ULL;

	c->subscribed = false;
	if (mosquitto_subscribe(c->mosq, NULL, filter, 1) != MOSQ_ERR_SUCCESS)
		return -EIO;
	while (!c->subscribed && bench_now_usec() < end)
		if (bench_clients_pump(&c, 1, 50000) < 0)
			return -EIO;
	return c->subscribed ? 0 : -ETIMEDOUT;
}

int bench_client_publish(struct bench_client *c, const char *topic, const char *payload, int qos,
			 bool retain)
{
	int rc =
	    mosquitto_publish(c->mosq, NULL, topic, (int) strlen(payload), payload, qos, retain);

	/* From a handler, the pump writes it once the read is over. */
	if (rc == MOSQ_ERR_SUCCESS && !c->in_handler && mosquitto_want_write(c->mosq))
		rc = mosquitto_loop_write(c->mosq, 1);
	return rc == MOSQ_ERR_SUCCESS ? 0 : -EIO;
}

size_t bench_client_messages(const struct bench_client *c, const struct bench_msg **ret)
{
	*ret = c->msgs;
	return c->n;
}

int bench_client_wait(struct bench_client *c, size_t from, const char *topic, const char *payload,
		      uint64_t timeout_usec)
{
	uint64_t end = bench_now_usec() + timeout_usec;

	for (size_t i = from;;) {
		for (; i < c->n; i++)
			if (strcmp(c->msgs[i].topic, topic) == 0 &&
			    (!payload || strcmp(c->msgs[i].payload, payload) == 0))
				return (int) i;
		if (bench_now_usec() >= end)
			return -ETIMEDOUT;
		if (bench_clients_pump(&c, 1, end - bench_now_usec()) < 0)
			return -EIO;
	}
}
