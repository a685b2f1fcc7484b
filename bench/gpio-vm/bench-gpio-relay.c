/*
 * The GPIO floor of the efficiency bench, run inside the gpio-sim VM
 * (bench/gpio-vm): the least a program can do to turn a button into an MQTT
 * event. One thread: a libgpiod v2 request for rising edges on one line, its
 * fd and libmosquitto's socket in one poll(); each edge is published at once
 * (QoS 1, TCP_NODELAY).
 *
 *     bench-gpio-relay CHIP_PATH OFFSET TOPIC
 */
#include <gpiod.h>
#include <mosquitto.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static struct gpiod_line_request *request(const char *path, unsigned offset)
{
	struct gpiod_chip *chip = gpiod_chip_open(path);
	struct gpiod_line_settings *ls = gpiod_line_settings_new();
	struct gpiod_line_config *lc = gpiod_line_config_new();
	struct gpiod_request_config *rc = gpiod_request_config_new();
	struct gpiod_line_request *req = NULL;

	if (chip && ls && lc && rc) {
		gpiod_line_settings_set_direction(ls, GPIOD_LINE_DIRECTION_INPUT);
		gpiod_line_settings_set_edge_detection(ls, GPIOD_LINE_EDGE_RISING);
		gpiod_request_config_set_consumer(rc, "bench-gpio-relay");
		if (gpiod_line_config_add_line_settings(lc, &offset, 1, ls) == 0)
			req = gpiod_chip_request_lines(chip, rc, lc);
	}
	gpiod_request_config_free(rc);
	gpiod_line_config_free(lc);
	gpiod_line_settings_free(ls);
	if (chip)
		gpiod_chip_close(chip);
	return req;
}

int main(int argc, char **argv)
{
	struct gpiod_edge_event_buffer *buf = gpiod_edge_event_buffer_new(16);
	struct gpiod_line_request *req;
	struct mosquitto *mosq;
	int rc;

	if (argc != 4) {
		fprintf(stderr, "usage: bench-gpio-relay CHIP_PATH OFFSET TOPIC\n");
		return 2;
	}
	req = request(argv[1], (unsigned) atoi(argv[2]));
	if (!req || !buf) {
		perror("bench-gpio-relay: request");
		return 1;
	}
	signal(SIGTERM, on_signal);
	mosquitto_lib_init();
	mosq = mosquitto_new(NULL, true, NULL);
	(void) mosquitto_int_option(mosq, MOSQ_OPT_TCP_NODELAY, 1);
	rc = mosquitto_connect(mosq, "127.0.0.1", 1883, 60);
	while (rc == MOSQ_ERR_SUCCESS && !stop) {
		struct pollfd p[2] = {
			{ .fd = gpiod_line_request_get_fd(req), .events = POLLIN },
			{ .fd = mosquitto_socket(mosq),
			  .events = POLLIN | (mosquitto_want_write(mosq) ? POLLOUT : 0) },
		};

		if (poll(p, 2, 60000) < 0)
			continue;
		if (p[0].revents & POLLIN) {
			int n = gpiod_line_request_read_edge_events(req, buf, 16);

			for (int i = 0; i < n; i++)
				(void) mosquitto_publish(mosq, NULL, argv[3], 7, "pressed", 1,
							 false);
		}
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
			rc = mosquitto_loop_read(mosq, 1);
		if (rc == MOSQ_ERR_SUCCESS && mosquitto_want_write(mosq))
			rc = mosquitto_loop_write(mosq, 1);
		if (rc == MOSQ_ERR_SUCCESS)
			rc = mosquitto_loop_misc(mosq);
	}
	mosquitto_destroy(mosq);
	gpiod_line_request_release(req);
	gpiod_edge_event_buffer_free(buf);
	return 0;
}
