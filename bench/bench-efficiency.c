/*
 * The efficiency bench (docs/benchmarks.md): bedroomd beside the floor relay
 * (bench-relay) and, when node and node-red are there, a Node-RED flow doing
 * the same, all on one mosquitto with its default settings on 127.0.0.1, in
 * one run. Prints a Markdown report; every figure also as a ratio to the
 * floor's. bench/run-efficiency is the one command that prepares and runs it.
 *
 *     bench-efficiency [--quick] [--trips N] [--idle S] [--load S] [--load-rounds N]
 *                      [--rate N] [--backlog N] [--starts N] [--node NODE --node-red RED_JS]
 *
 * --quick: a few seconds of each, to prove the harness works (the ctest smoke).
 * --load-rounds: the load's seconds split into rounds taken in turn (6).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/bench-phases.h"
#include "bench/bench-report.h"

/* Between two readings to one subject in the round trips. */
#define SUBJECT_GAP_USEC 45000ULL

struct options {
	size_t trips, backlog, starts;
	double idle_s, load_s, commit_s;
	size_t load_rounds;
	unsigned rate;
};

static int parse(int argc, char **argv, struct options *o, struct bench_paths *p)
{
	static const struct option longopts[] = {
		{ "quick", no_argument, NULL, 'q' },
		{ "trips", required_argument, NULL, 't' },
		{ "idle", required_argument, NULL, 'i' },
		{ "load", required_argument, NULL, 'l' },
		{ "rate", required_argument, NULL, 'r' },
		{ "load-rounds", required_argument, NULL, 'R' },
		{ "backlog", required_argument, NULL, 'b' },
		{ "starts", required_argument, NULL, 's' },
		{ "node", required_argument, NULL, 'n' },
		{ "node-red", required_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct options){ .trips = 2000,
			       .backlog = 10000,
			       .starts = 10,
			       .idle_s = 60,
			       .load_s = 30,
			       .load_rounds = 6,
			       .commit_s = 3,
			       .rate = 100 };
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'q':
			*o = (struct options){ .trips = 20,
					       .backlog = 50,
					       .starts = 2,
					       .idle_s = 2,
					       .load_s = 1,
					       .load_rounds = 1,
					       .commit_s = 0.2,
					       .rate = 100 };
			break;
		case 't':
			o->trips = strtoul(optarg, NULL, 10);
			break;
		case 'i':
			o->idle_s = strtod(optarg, NULL);
			break;
		case 'l':
			o->load_s = strtod(optarg, NULL);
			break;
		case 'r':
			o->rate = (unsigned) strtoul(optarg, NULL, 10);
			break;
		case 'R':
			o->load_rounds = strtoul(optarg, NULL, 10);
			if (o->load_rounds < 1 || o->load_rounds > BENCH_LOAD_ROUNDS_MAX) {
				fprintf(stderr, "--load-rounds: 1 to %d\n", BENCH_LOAD_ROUNDS_MAX);
				return -EINVAL;
			}
			break;
		case 'b':
			o->backlog = strtoul(optarg, NULL, 10);
			break;
		case 's':
			o->starts = strtoul(optarg, NULL, 10);
			break;
		case 'n':
			p->node = optarg;
			break;
		case 'N':
			p->node_red_js = optarg;
			break;
		default:
			return -EINVAL;
		}
	}
	if (o->trips < 2 || o->starts < 1 || o->rate < 1)
		return -EINVAL;
	if (!p->node || !p->node_red_js)
		p->node = p->node_red_js = NULL;
	return 0;
}

static int start_online(struct bench_subject *s)
{
	int r = bench_plugs_off(s);

	if (r >= 0)
		r = bench_subject_launch(s);
	if (r >= 0 && s->notify_fd >= 0)
		r = bench_subject_wait_ready(s, 30000000ULL);
	return r < 0 ? r : bench_wait_online(s, 30000000ULL);
}

static int fail(const char *what, const struct bench_subject *s, int r)
{
	fprintf(stderr,
		"bench-efficiency: %s of %s failed: %s (its log: %s/log, kept with BENCH_KEEP=1)\n",
		what, s ? s->name : "the bench", strerror(-r), s ? s->dir : "-");
	return r;
}

/*
 * Round trips for all subjects at once, round robin: each sees a reading every
 * n × SLOT_USEC, longer than Linux's 40 ms delayed ACK, so that no reading
 * waits on the broker's own Nagle (mosquitto's default: no set_tcp_nodelay).
 * Then the load on each subject alone, in rounds taken in turn.
 */
static int run_traffic(struct bench_subject **subj, size_t n, const struct options *o,
		       struct bench_results *res)
{
	uint64_t slot = (SUBJECT_GAP_USEC + n - 1) / n;
	int r = 0;

	for (size_t i = 0; r >= 0 && i < n; i++) {
		r = start_online(subj[i]);
		if (r < 0)
			return fail("the start", subj[i], r);
	}
	r = bench_round_trips(subj, n, o->trips, slot, res->latency);
	if (r < 0)
		return fail("the round trips", NULL, r);
	printf("# load ...\n");
	for (size_t k = 0; r >= 0 && k < o->load_rounds; k++)
		for (size_t i = 0; r >= 0 && i < n; i++) {
			r = bench_load_round(subj[i], o->rate, o->load_s / (double) o->load_rounds,
					     &res->load[i]);
			if (r < 0)
				return fail("the load", subj[i], r);
		}
	for (size_t i = 0; i < n; i++)
		bench_load_finish(&res->load[i]);
	for (size_t i = 0; i < n; i++)
		bench_subject_stop(subj[i]);
	return r;
}

/*
 * Not a figure but whether there are any: bedroomd must answer the round trips'
 * readings. The deadline (3 s) is hundreds of times a round trip, so only a
 * daemon that stopped answering fails this (the fallback band once learned a 3 K
 * band from the bench's 90 ms cycles, and the smoke run printed figures of
 * nothing). Returns -EPROTO when most readings went unanswered.
 */
static int check_answered(const struct bench_subject *s, const struct bench_latency *l)
{
	if (l->missing * 2 <= l->trips)
		return 0;
	fprintf(stderr,
		"bench-efficiency: %s answered %zu of %zu round-trip readings (no command "
		"within 3 s for the rest): its figures measure nothing (its log: %s/log, kept "
		"with BENCH_KEEP=1)\n",
		s->name, l->trips - l->missing, l->trips, s->dir);
	return -EPROTO;
}

/* Every subject, and bedroomd with a w1 sensor too, idle at the same time. */
static int run_idle(struct bench_subject **subj, size_t n, const struct options *o,
		    struct bench_results *res)
{
	int r = 0;

	for (size_t i = 0; r >= 0 && i < n; i++) {
		r = start_online(subj[i]);
		if (r < 0)
			return fail("the start", subj[i], r);
	}
	/* Past the start-up work (discovery, the first w1 measurement). */
	bench_sleep_usec(o->idle_s >= 30 ? 5000000ULL : 1000000ULL);
	r = bench_idle_run(subj, n, o->idle_s, res->idle);
	for (size_t i = 0; i < n; i++)
		bench_subject_stop(subj[i]);
	return r < 0 ? fail("the idle window", NULL, r) : 0;
}

static void run_thermostat(const struct bench_paths *p, bool quick)
{
	const char *argv[] = { p->thermostat, quick ? "--days" : NULL, "3", NULL };
	pid_t pid;

	if (!p->thermostat || access(p->thermostat, X_OK) < 0) {
		printf("\nThe thermostat on the simulated room: bench-thermostat is not built.\n");
		return;
	}
	printf("\n## The controller on the simulated room (bench-thermostat%s)\n\n",
	       quick ? " --days 3" : "");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execv(argv[0], (char *const *) (uintptr_t) argv);
		_exit(127);
	}
	if (pid > 0)
		(void) waitpid(pid, NULL, 0);
}

int main(int argc, char **argv)
{
	struct bench_paths paths = { .relay = BENCH_RELAY_PATH,
				     .daemon =
					 getenv("BEDROOMD") ? getenv("BEDROOMD") : BEDROOMD_PATH,
				     .thermostat = BENCH_THERMOSTAT_PATH };
	struct bench_subject subj[BENCH_SUBJECTS_MAX] = { 0 }, w1 = { .notify_fd = -1 },
			     store_subj = { .notify_fd = -1 };
	struct bench_subject *traffic[BENCH_SUBJECTS_MAX], *idle[BENCH_SUBJECTS_MAX + 1];
	struct bench_results res = { 0 };
	struct bench_broker broker;
	struct options o;
	char id[32];
	int r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (parse(argc, argv, &o, &paths) < 0) {
		fprintf(stderr,
			"usage: bench-efficiency [--quick] [--trips N] [--idle S] "
			"[--load S] [--load-rounds N] [--rate N] [--backlog N] [--starts N] "
			"[--node NODE --node-red RED_JS]\n");
		return 2;
	}
	r = bench_broker_start(&broker);
	if (r < 0)
		return fail("the broker's start", NULL, r) < 0 ? 1 : 1;
	res.n = paths.node ? 3 : 2;
	for (size_t i = 0; i < BENCH_SUBJECTS_MAX; i++)
		subj[i].notify_fd = -1;
	for (size_t i = 0; r >= 0 && i < res.n; i++) {
		static const enum bench_kind kinds[] = { BENCH_KIND_RELAY, BENCH_KIND_DAEMON,
							 BENCH_KIND_NODERED };

		snprintf(id, sizeof(id), "%c%d", "rdn"[i], (int) getpid());
		r = bench_subject_init(&subj[i], kinds[i], &paths, broker.port, id);
		traffic[i] = idle[i] = &subj[i];
	}
	snprintf(id, sizeof(id), "w%d", (int) getpid());
	if (r >= 0)
		r = bench_subject_init(&w1, BENCH_KIND_DAEMON_W1, &paths, broker.port, id);
	snprintf(id, sizeof(id), "s%d", (int) getpid());
	if (r >= 0)
		r = bench_subject_init(&store_subj, BENCH_KIND_DAEMON, &paths, broker.port, id);
	if (r < 0) {
		fail("the set-up", NULL, r);
		goto out;
	}
	idle[res.n] = &w1;
	bench_report_header(&res, &paths, o.trips, o.idle_s, o.load_s, o.rate);
	for (size_t i = 0; r >= 0 && i < res.n; i++) {
		printf("# start-up: %s ...\n", subj[i].name);
		r = bench_startup_run(&subj[i], subj[i].kind == BENCH_KIND_NODERED ? 3 : o.starts,
				      &res.startup[i]);
		if (r < 0)
			fail("the start-up", &subj[i], r);
	}
	if (r >= 0) {
		printf("# round trips ...\n");
		r = run_traffic(traffic, res.n, &o, &res);
	}
	if (r >= 0) {
		printf("# idle for %.0f s ...\n", o.idle_s);
		r = run_idle(idle, res.n + 1, &o, &res);
	}
	if (r >= 0) {
		printf("# the store ...\n");
		r = bench_store_run(&store_subj, o.commit_s, o.backlog, &res.store);
		if (r < 0)
			fail("the backlog drain", &store_subj, r);
	}
	if (r >= 0)
		bench_report_print(&res);
	if (r >= 0)
		run_thermostat(&paths, o.trips < 100);
	for (size_t i = 0; r >= 0 && i < res.n; i++)
		if (subj[i].kind == BENCH_KIND_DAEMON)
			r = check_answered(&subj[i], &res.latency[i]);
out:
	for (size_t i = 0; i < res.n; i++)
		bench_subject_done(&subj[i]);
	bench_subject_done(&w1);
	bench_subject_done(&store_subj);
	bench_broker_stop(&broker);
	return r < 0 ? 1 : 0;
}
