/*
 * The floor the efficiency bench measures bedroomd against: the least a
 * program can do to keep a room warm over MQTT. One thread, libmosquitto
 * driven by poll(), TCP_NODELAY: a temperature in, "ON" below the threshold
 * or "OFF" at or above it out, when that changes. It sleeps in poll() until a
 * message comes or the keepalive is due.
 *
 *     bench-relay PORT IN_TOPIC OUT_TOPIC ONLINE_TOPIC [THRESHOLD]
 *
 * "online" is published (retained) on ONLINE_TOPIC once connected, for the
 * start-up figure. SIGTERM or SIGINT ends it.
 */
#include <mosquitto.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEEPALIVE_S 60

struct relay {
	const char *in, *out, *online;
	double threshold;
	int on; /* -1: nothing sent yet */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static void on_connect(struct mosquitto *mosq, void *userdata, int rc)
{
	struct relay *r = userdata;

	if (rc != 0)
		return;
	(void) mosquitto_subscribe(mosq, NULL, r->in, 0);
	(void) mosquitto_publish(mosq, NULL, r->online, 6, "online", 1, true);
}

static void on_message(struct mosquitto *mosq, void *userdata, const struct mosquitto_message *m)
{
	struct relay *r = userdata;
	char buf[32];
	int on;

	if (m->payloadlen <= 0 || m->payloadlen >= (int) sizeof(buf))
		return;
	memcpy(buf, m->payload, (size_t) m->payloadlen);
	buf[m->payloadlen] = '\0';
	on = strtod(buf, NULL) < r->threshold;
	if (on == r->on)
		return;
	r->on = on;
	(void) mosquitto_publish(mosq, NULL, r->out, on ? 2 : 3, on ? "ON" : "OFF", 1, false);
}

int main(int argc, char **argv)
{
	struct relay r = { .on = -1, .threshold = 18.0 };
	struct mosquitto *mosq;
	int rc;

	if (argc < 5) {
		fprintf(stderr, "usage: bench-relay PORT IN_TOPIC OUT_TOPIC ONLINE_TOPIC "
				"[THRESHOLD]\n");
		return 2;
	}
	r.in = argv[2];
	r.out = argv[3];
	r.online = argv[4];
	if (argc > 5)
		r.threshold = strtod(argv[5], NULL);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	mosquitto_lib_init();
	mosq = mosquitto_new(NULL, true, &r);
	if (!mosq)
		return 1;
	mosquitto_connect_callback_set(mosq, on_connect);
	mosquitto_message_callback_set(mosq, on_message);
	(void) mosquitto_int_option(mosq, MOSQ_OPT_TCP_NODELAY, 1);
	rc = mosquitto_connect(mosq, "127.0.0.1", atoi(argv[1]), KEEPALIVE_S);
	while (rc == MOSQ_ERR_SUCCESS && !stop) {
		struct pollfd p = { .fd = mosquitto_socket(mosq),
				    .events = POLLIN | (mosquitto_want_write(mosq) ? POLLOUT : 0) };

		if (poll(&p, 1, KEEPALIVE_S * 1000) < 0)
			continue;
		if (p.revents & (POLLIN | POLLHUP | POLLERR))
			rc = mosquitto_loop_read(mosq, 1);
		if (rc == MOSQ_ERR_SUCCESS && mosquitto_want_write(mosq))
			rc = mosquitto_loop_write(mosq, 1);
		if (rc == MOSQ_ERR_SUCCESS)
			rc = mosquitto_loop_misc(mosq);
	}
	if (rc != MOSQ_ERR_SUCCESS && !stop)
		fprintf(stderr, "bench-relay: %s\n", mosquitto_strerror(rc));
	mosquitto_disconnect(mosq);
	mosquitto_destroy(mosq);
	mosquitto_lib_cleanup();
	return rc == MOSQ_ERR_SUCCESS || stop ? 0 : 1;
}
