/*
 * The driver of the GPIO bench inside the gpio-sim VM (bench/gpio-vm): drives
 * a simulated line up by writing its sysfs "pull" file and times the MQTT
 * event that follows, from just before the write (the kernel stamps the edge
 * in the interrupt the write raises) to its arrival.
 *
 *     bench-gpio-edge PULL_FILE TOPIC COUNT
 *
 * Prints "p50_us p99_us max_us answered missing".
 */
#include <fcntl.h>
#include <mosquitto.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile bool got;

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void on_message(struct mosquitto *m, void *u, const struct mosquitto_message *msg)
{
	got = true;
}

static void pull(const char *path, const char *how)
{
	int fd = open(path, O_WRONLY);

	if (fd >= 0) {
		(void) write(fd, how, strlen(how));
		close(fd);
	}
}

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *) a, y = *(const long long *) b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int count = argc == 4 ? atoi(argv[3]) : 0, n = 0, missing = 0;
	long long *lat = calloc(count > 0 ? (size_t) count : 1, sizeof(*lat));
	struct mosquitto *mosq;

	if (count <= 0 || !lat) {
		fprintf(stderr, "usage: bench-gpio-edge PULL_FILE TOPIC COUNT\n");
		return 2;
	}
	mosquitto_lib_init();
	mosq = mosquitto_new(NULL, true, NULL);
	mosquitto_message_callback_set(mosq, on_message);
	(void) mosquitto_int_option(mosq, MOSQ_OPT_TCP_NODELAY, 1);
	if (mosquitto_connect(mosq, "127.0.0.1", 1883, 60) != MOSQ_ERR_SUCCESS ||
	    mosquitto_subscribe(mosq, NULL, argv[2], 1) != MOSQ_ERR_SUCCESS)
		return 1;
	for (long long end = now_us() + 500000; now_us() < end;)
		mosquitto_loop(mosq, 50, 1);
	for (int i = 0; i < count; i++) {
		long long t0, end;

		got = false;
		t0 = now_us();
		pull(argv[1], "pull-up");
		for (end = t0 + 5000000; !got && now_us() < end;)
			mosquitto_loop(mosq, 5, 1);
		if (got)
			lat[n++] = now_us() - t0;
		else
			missing++;
		pull(argv[1], "pull-down");
		/* Past the debounce, and into the next second: bedroomd counts a cramp by the
		 * second. */
		for (end = now_us() + 1100000; now_us() < end;)
			mosquitto_loop(mosq, 20, 1);
	}
	qsort(lat, (size_t) n, sizeof(*lat), cmp);
	printf("%lld %lld %lld %d %d\n", n ? lat[n / 2] : 0, n ? lat[(n * 99 + 99) / 100 - 1] : 0,
	       n ? lat[n - 1] : 0, n, missing);
	mosquitto_destroy(mosq);
	return 0;
}
