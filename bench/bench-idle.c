/* Start-up and idle: how fast a subject is there, and what it costs doing nothing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench-client.h"
#include "bench/bench-phases.h"

#define START_TIMEOUT_USEC 30000000ULL

int bench_wait_online(struct bench_subject *s, uint64_t timeout_usec)
{
	struct bench_client *c = NULL;
	char id[64];
	int r;

	snprintf(id, sizeof(id), "bench-%s-online", s->id);
	r = bench_client_new(s->port, id, &c);
	if (r >= 0)
		r = bench_client_subscribe(c, s->online_topic);
	if (r >= 0)
		r = bench_client_wait(c, 0, s->online_topic, "online", timeout_usec);
	bench_client_free(c);
	return r < 0 ? r : 0;
}

int bench_plugs_off(struct bench_subject *s)
{
	struct bench_client *c = NULL;
	char id[64];
	int r;

	snprintf(id, sizeof(id), "bench-%s-plugs", s->id);
	r = bench_client_new(s->port, id, &c);
	for (int k = 0; r >= 0 && k < 2; k++)
		if (s->confirm_topic[k][0]) {
			r = bench_client_subscribe(c, s->confirm_topic[k]);
			if (r >= 0)
				r = bench_client_publish(c, s->confirm_topic[k], "OFF", 1, true);
			if (r >= 0)
				r = bench_client_wait(c, 0, s->confirm_topic[k], "OFF", 5000000ULL);
		}
	bench_client_free(c);
	return r < 0 ? r : 0;
}

/*
 * One launch: READY=1, "online" (not the retained one of the last run), then a
 * reading sent once it is online (bedroomd takes no retained reading: its age
 * is unknown) and the answer to it.
 */
static int startup_once(struct bench_subject *s, struct bench_client *c, double *ready,
			double *online, double *reply)
{
	const struct bench_msg *m;
	size_t from;
	int r, k;

	bench_client_clear(c);
	from = bench_client_messages(c, &m);
	r = bench_subject_launch(s);
	if (r >= 0 && s->notify_fd >= 0) {
		r = bench_subject_wait_ready(s, START_TIMEOUT_USEC);
		*ready = (double) (s->ready_usec - s->launch_usec);
	}
	k = r < 0 ? r : bench_client_wait(c, from, s->online_topic, "online", START_TIMEOUT_USEC);
	if (k >= 0 && bench_client_messages(c, &m) > (size_t) k)
		*online = (double) (m[k].at_usec - s->launch_usec);
	if (k >= 0)
		k = bench_client_publish(c, s->in_topic, "17.00", 1, false);
	k = k < 0 ? k : bench_client_wait(c, from, s->out_topic[0], "ON", START_TIMEOUT_USEC);
	if (k >= 0 && bench_client_messages(c, &m) > (size_t) k)
		*reply = (double) (m[k].at_usec - s->launch_usec);
	bench_subject_stop(s);
	return k < 0 ? k : 0;
}

int bench_startup_run(struct bench_subject *s, size_t runs, struct bench_startup *ret)
{
	double *ready = calloc(runs, sizeof(double)), *online = calloc(runs, sizeof(double)),
	       *reply = calloc(runs, sizeof(double));
	struct bench_client *c = NULL;
	char id[64];
	int r = ready && online && reply ? 0 : -ENOMEM;

	*ret = (struct bench_startup){ .runs = runs };
	snprintf(id, sizeof(id), "bench-%s-startup", s->id);
	if (r >= 0)
		r = bench_client_new(s->port, id, &c);
	if (r >= 0)
		r = bench_client_subscribe(c, s->online_topic);
	if (r >= 0)
		r = bench_client_subscribe(c, s->out_topic[0]);
	if (r >= 0)
		r = bench_client_subscribe(c, s->in_topic);
	for (size_t i = 0; r >= 0 && i < runs; i++)
		r = startup_once(s, c, &ready[i], &online[i], &reply[i]);
	if (r >= 0) {
		ret->ready_usec = bench_quantile(ready, runs, 0.5);
		ret->ready_max_usec = bench_quantile(ready, runs, 1.0);
		ret->online_usec = bench_quantile(online, runs, 0.5);
		ret->online_max_usec = bench_quantile(online, runs, 1.0);
		ret->reply_usec = bench_quantile(reply, runs, 0.5);
	}
	bench_client_free(c);
	free(ready);
	free(online);
	free(reply);
	return r;
}

int bench_idle_run(struct bench_subject **subjects, size_t n, double seconds,
		   struct bench_idle *ret)
{
	struct bench_proc *start = calloc(n ? n : 1, sizeof(*start));
	uint64_t t0, t1;
	int r = start ? 0 : -ENOMEM;

	for (size_t i = 0; r >= 0 && i < n; i++)
		r = bench_proc_read(subjects[i]->pid, &start[i]);
	t0 = bench_now_usec();
	if (r >= 0)
		bench_sleep_usec((uint64_t) (seconds * 1e6));
	t1 = bench_now_usec();
	for (size_t i = 0; r >= 0 && i < n; i++) {
		struct bench_idle *o = &ret[i];

		*o = (struct bench_idle){ .seconds = (double) (t1 - t0) / 1e6 };
		r = bench_proc_read(subjects[i]->pid, &o->end);
		o->cpu_usec = o->end.cpu_usec + o->end.cpu_children_usec - start[i].cpu_usec -
			      start[i].cpu_children_usec;
		o->wakeups = o->end.wakeups - start[i].wakeups;
	}
	free(start);
	return r;
}
