/* Round trips and load: a reading in, the command out, the plug answering. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench-client.h"
#include "bench/bench-phases.h"

#define LATE_USEC    1000000ULL
#define MISSING_USEC 3000000ULL
#define WARM_UP      4
#define LOAD_WARM_UP 50
#define LOW_C        16.0
#define HIGH_C       21.0

/*
 * The plugs: each command is answered on the plug's state topic at once. Readings and
 * answers go out with QoS 0, as zigbee2mqtt and Tasmota send them by default.
 */
static void confirm(struct bench_client *c, const struct bench_msg *m, void *userdata)
{
	struct bench_subject *s = userdata;

	for (int k = 0; k < 2; k++)
		if (s->out_topic[k][0] && strcmp(m->topic, s->out_topic[k]) == 0)
			(void) bench_client_publish(c, s->confirm_topic[k], m->payload, 0, false);
}

static bool is_command(const struct bench_subject *s, const char *topic)
{
	return strcmp(topic, s->out_topic[0]) == 0 ||
	       (s->out_topic[1][0] && strcmp(topic, s->out_topic[1]) == 0);
}

/* A client that plays @s's thermometer and plugs. */
static int driver_new(struct bench_subject *s, const char *tag, struct bench_client **ret)
{
	char id[64];
	int r;

	snprintf(id, sizeof(id), "bench-%s-%s", s->id, tag);
	r = bench_client_new(s->port, id, ret);
	if (r < 0)
		return r;
	bench_client_set_handler(*ret, confirm, s);
	r = bench_client_subscribe(*ret, s->out_topic[0]);
	if (r >= 0 && s->out_topic[1][0])
		r = bench_client_subscribe(*ret, s->out_topic[1]);
	return r;
}

/* What @s sent between the monitor's echo of each of its readings and the next one. */
static void count_traffic(const struct bench_subject *s, const struct bench_client *monitor,
			  struct bench_latency *ret)
{
	const struct bench_msg *m;
	size_t n = bench_client_messages(monitor, &m), msgs = 0, bytes = 0, readings = 0;
	bool first = false;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(m[i].topic, s->in_topic) == 0) {
			readings++;
			first = true;
			continue;
		}
		if (readings == 0 || !strstr(m[i].topic, s->id) ||
		    strcmp(m[i].topic, s->confirm_topic[0]) == 0 ||
		    strcmp(m[i].topic, s->confirm_topic[1]) == 0)
			continue;
		msgs++;
		bytes += strlen(m[i].topic) + m[i].len;
		if (first && is_command(s, m[i].topic))
			ret->command_first++;
		first = false;
	}
	ret->msgs_per_reading = readings ? (double) msgs / (double) readings : 0;
	ret->bytes_per_reading = readings ? (double) bytes / (double) readings : 0;
}

/* Pumps every client until @until. */
static int pump_until(struct bench_client **cs, size_t n, uint64_t until)
{
	int r = 0;

	while (r >= 0 && bench_now_usec() < until)
		r = bench_clients_pump(cs, n, until - bench_now_usec());
	return r;
}

/* One reading to @s and its command back; the latency into @lat, or counted missing. */
static int round_trip(struct bench_subject *s, struct bench_client **cs, size_t n, size_t k,
		      double c, double *lat, size_t *got, struct bench_latency *ret)
{
	const char *want = bench_expected(c);
	const struct bench_msg *m;
	size_t from = bench_client_messages(cs[k], &m);
	uint64_t t0 = bench_now_usec(), end = t0 + MISSING_USEC;
	char payload[16];
	int r;

	snprintf(payload, sizeof(payload), "%.2f", c);
	r = bench_client_publish(cs[k], s->in_topic, payload, 0, false);
	while (r >= 0 && bench_now_usec() < end) {
		r = bench_clients_pump(cs, n, 1000);
		for (size_t i = from; i < bench_client_messages(cs[k], &m); i++)
			if (is_command(s, m[i].topic) && strcmp(m[i].payload, want) == 0) {
				lat[(*got)++] = (double) (m[i].at_usec - t0);
				ret->late += m[i].at_usec - t0 > LATE_USEC;
				return 0;
			}
	}
	ret->missing++;
	fprintf(stderr, "# %s: no '%s' within %.0f s of %s °C\n", s->name, want,
		(double) MISSING_USEC / 1e6, payload);
	return r;
}

int bench_round_trips(struct bench_subject **subj, size_t n, size_t trips, uint64_t slot_usec,
		      struct bench_latency *ret)
{
	struct bench_client *cs[BENCH_ROUND_TRIP_MAX + 1] = { NULL };
	double *lat[BENCH_ROUND_TRIP_MAX] = { NULL };
	size_t got[BENCH_ROUND_TRIP_MAX] = { 0 };
	int r = n <= BENCH_ROUND_TRIP_MAX ? 0 : -EINVAL;

	for (size_t k = 0; r >= 0 && k < n; k++) {
		ret[k] = (struct bench_latency){ .trips = trips };
		lat[k] = calloc(trips ? trips : 1, sizeof(double));
		r = lat[k] ? driver_new(subj[k], "rtt", &cs[k]) : -ENOMEM;
		/* From "OFF": the first reading, low, then asks for "ON". */
		if (r >= 0)
			r = bench_client_publish(cs[k], subj[k]->in_topic, "19.50", 0, false);
	}
	if (r >= 0)
		r = bench_client_new(subj[0]->port, "bench-rtt-monitor", &cs[n]);
	if (r >= 0)
		r = bench_client_subscribe(cs[n], "#");
	if (r >= 0)
		r = pump_until(cs, n + 1, bench_now_usec() + 300000ULL);
	/* Warm-up, not counted: bedroomd's estimate of the air settles over the first readings. */
	for (size_t i = 0; r >= 0 && i < WARM_UP; i++)
		for (size_t k = 0; r >= 0 && k < n; k++) {
			struct bench_latency ignored = { 0 };
			double l[1];
			size_t g = 0;

			r = round_trip(subj[k], cs, n + 1, k, i % 2 ? HIGH_C : LOW_C, l, &g,
				       &ignored);
			if (r >= 0)
				r = pump_until(cs, n + 1, bench_now_usec() + slot_usec);
		}
	if (r >= 0)
		bench_client_clear(cs[n]);
	/* Round robin, one round trip in flight at a time, a slot each. */
	for (size_t i = 0; r >= 0 && i < trips; i++)
		for (size_t k = 0; r >= 0 && k < n; k++) {
			uint64_t next = bench_now_usec() + slot_usec;

			r = round_trip(subj[k], cs, n + 1, k, i % 2 ? HIGH_C : LOW_C, lat[k],
				       &got[k], &ret[k]);
			if (r >= 0)
				r = pump_until(cs, n + 1, next);
			bench_client_clear(cs[k]);
		}
	for (size_t k = 0; k < n; k++) {
		if (r >= 0) {
			count_traffic(subj[k], cs[n], &ret[k]);
			ret[k].p50_usec = bench_quantile(lat[k], got[k], 0.50);
			ret[k].p99_usec = bench_quantile(lat[k], got[k], 0.99);
			ret[k].max_usec = bench_quantile(lat[k], got[k], 1.0);
		}
		free(lat[k]);
		bench_client_free(cs[k]);
	}
	bench_client_free(cs[n]);
	return r;
}

int bench_load_round(struct bench_subject *s, unsigned rate, double seconds, struct bench_load *acc)
{
	size_t n = (size_t) (rate * seconds), got = 0, j = 0, first = 0;
	size_t warm = n > 2 * LOAD_WARM_UP ? LOAD_WARM_UP : 0;
	uint64_t *sent = calloc(n ? n : 1, sizeof(*sent));
	double *lat = realloc(acc->lat, (acc->n_lat + n + 1) * sizeof(*lat));
	struct bench_client *driver = NULL;
	struct bench_proc p0, p1;
	const struct bench_msg *m;
	uint64_t start, end, measured = 0;
	int r;

	if (lat)
		acc->lat = lat;
	lat = acc->lat ? acc->lat + acc->n_lat : NULL; /* this round's follow the others' */
	r = n == 0                                 ? -EINVAL
	    : acc->rounds >= BENCH_LOAD_ROUNDS_MAX ? -E2BIG
	    : sent && lat                          ? driver_new(s, "load", &driver)
						   : -ENOMEM;
	start = bench_now_usec();
	for (size_t i = 0; r >= 0 && i < n; i++) {
		uint64_t at = start + i * 1000000ULL / rate;
		char payload[16];

		while (r >= 0 && bench_now_usec() < at)
			r = bench_clients_pump(&driver, 1, at - bench_now_usec());
		/*
		 * The CPU time is counted from the end of the warm-up too: what a
		 * subject does as a flood begins (bedroomd notices it after about
		 * a hundred messages) would otherwise count once a round, not once
		 * in the whole load.
		 */
		if (r >= 0 && i == warm) {
			r = bench_proc_read(s->pid, &p0);
			measured = bench_now_usec();
		}
		snprintf(payload, sizeof(payload), "%.2f", i % 2 ? HIGH_C : LOW_C);
		sent[i] = bench_now_usec();
		if (r >= 0)
			r = bench_client_publish(driver, s->in_topic, payload, 0, false);
		acc->sent++;
	}
	/* The last answers, then the CPU time since the warm-up. */
	for (end = bench_now_usec() + 500000ULL; r >= 0 && bench_now_usec() < end;)
		r = bench_clients_pump(&driver, 1, 10000);
	if (r >= 0)
		r = bench_proc_read(s->pid, &p1);
	end = bench_now_usec();
	/*
	 * In order: the answer to reading i is the next command with its payload
	 * (a lagging subject answers late, not wrongly). The first LOAD_WARM_UP
	 * readings are not counted, and the first command after them answers the
	 * latest reading before it that asks for it: a reading bedroomd's estimate
	 * of the air skipped while it settled cannot shift the rest.
	 */
	for (size_t k = 0, count = bench_client_messages(driver, &m); r >= 0 && k < count; k++) {
		size_t i = warm;

		if (strcmp(m[k].topic, s->out_topic[0]) != 0 || m[k].at_usec < sent[warm])
			continue;
		while (i < n && sent[i] <= m[k].at_usec)
			i++;
		while (i > warm &&
		       strcmp(bench_expected((i - 1) % 2 ? HIGH_C : LOW_C), m[k].payload) != 0)
			i--;
		if (i > warm) {
			lat[got++] = (double) (m[k].at_usec - sent[i - 1]);
			j = i;
			first = k + 1;
		}
		break;
	}
	for (size_t i = j; r >= 0 && got > 0 && i < n; i++) {
		const char *want = bench_expected(i % 2 ? HIGH_C : LOW_C);
		size_t k = first, count = bench_client_messages(driver, &m);

		while (k < count && (strcmp(m[k].topic, s->out_topic[0]) != 0 ||
				     m[k].at_usec < sent[i] || strcmp(m[k].payload, want) != 0))
			k++;
		if (k == count)
			continue;
		lat[got++] = (double) (m[k].at_usec - sent[i]);
		first = k + 1;
	}
	if (r >= 0) {
		acc->missing += n - warm - got;
		acc->answered += got;
		acc->n_lat += got;
		acc->seconds += seconds;
		acc->cpu_usec += p1.cpu_usec - p0.cpu_usec;
		acc->wall_usec += end - measured;
		acc->wakeups += p1.wakeups - p0.wakeups;
		acc->readings_measured += n - warm;
		acc->round_share[acc->rounds++] =
		    (double) (p1.cpu_usec - p0.cpu_usec) / (double) (end - measured);
		acc->rss_kib = p1.rss_kib;
	}
	free(sent);
	bench_client_free(driver);
	return r;
}

void bench_load_finish(struct bench_load *acc)
{
	if (acc->wall_usec)
		acc->cpu_share = (double) acc->cpu_usec / (double) acc->wall_usec;
	if (acc->readings_measured)
		acc->wakeups_per_reading = (double) acc->wakeups / (double) acc->readings_measured;
	if (acc->n_lat) {
		acc->p50_usec = bench_quantile(acc->lat, acc->n_lat, 0.50);
		acc->p99_usec = bench_quantile(acc->lat, acc->n_lat, 0.99);
	}
	free(acc->lat);
	acc->lat = NULL;
}
