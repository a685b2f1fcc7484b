#pragma once

/* The phases of the efficiency bench (bench-efficiency.c), each measuring one subject. */

#include <stddef.h>
#include <stdint.h>

#include "bench/bench-subject.h"
#include "bench/bench-util.h"

struct bench_latency {
	size_t trips;
	size_t late;    /* the command came, but after more than 1 s */
	size_t missing; /* no command within 3 s */
	double p50_usec, p99_usec, max_usec;
	/* What the subject sent per reading, on every topic but the plugs' answers. */
	double msgs_per_reading, bytes_per_reading;
	size_t command_first; /* readings whose first message out was a command */
};

#define BENCH_ROUND_TRIP_MAX 4

/*
 * @trips round trips for each of the @n running subjects, round robin, one in
 * flight at a time, each in a slot of at least @slot_usec: a reading
 * (alternating across the threshold), the command it causes, the plugs
 * answering it. Into ret[0..n). Returns 0 or a negative errno.
 */
int bench_round_trips(struct bench_subject **subj, size_t n, size_t trips, uint64_t slot_usec,
		      struct bench_latency *ret);

#define BENCH_LOAD_ROUNDS_MAX 32

/*
 * The load, in rounds taken in turn with the other subjects (a drift of the
 * machine then falls on all alike); the figures are over all rounds.
 */
struct bench_load {
	double seconds; /* all rounds together */
	size_t rounds;
	size_t sent, answered, missing;
	double cpu_share;                          /* CPU time of the subject / wall time */
	double round_share[BENCH_LOAD_ROUNDS_MAX]; /* the same, each round */
	double wakeups_per_reading; /* its context switches, all threads, per reading measured */
	double p50_usec, p99_usec;
	uint64_t rss_kib; /* after the last round */
	/*
	 * Summed over the rounds by bench_load_round(), from the end of each
	 * round's warm-up: CPU time, wall time, context switches, readings.
	 */
	uint64_t cpu_usec, wall_usec, wakeups;
	size_t readings_measured;
	double *lat;
	size_t n_lat;
};

/*
 * Adds a round of @rate readings a second for @seconds to @acc (zeroed before
 * the first). Returns 0 or a negative errno.
 */
int bench_load_round(struct bench_subject *s, unsigned rate, double seconds,
		     struct bench_load *acc);

/* The figures over all rounds added; frees what the rounds kept. */
void bench_load_finish(struct bench_load *acc);

struct bench_startup {
	size_t runs;
	double ready_usec;  /* median launch -> READY=1; 0: not bedroomd */
	double online_usec; /* median launch -> "online" on the broker */
	double reply_usec;  /* median launch -> the answer to a reading waiting (retained) */
	double ready_max_usec, online_max_usec;
};

/* Launches the (stopped) subject @runs times. Returns 0 or a negative errno. */
int bench_startup_run(struct bench_subject *s, size_t runs, struct bench_startup *ret);

/*
 * The plugs say "OFF", retained, as a real plug's last state stays on the
 * broker: a subject started after this finds them confirmed. 0 or a negative errno.
 */
int bench_plugs_off(struct bench_subject *s);

/* Waits until the subject says "online". Returns 0 or a negative errno. */
int bench_wait_online(struct bench_subject *s, uint64_t timeout_usec);

struct bench_idle {
	double seconds;
	struct bench_proc end;
	uint64_t cpu_usec; /* over the window, children included */
	uint64_t wakeups;  /* over the window */
};

/* Idles the running @subjects together for @seconds. Returns 0 or a negative errno. */
int bench_idle_run(struct bench_subject **subjects, size_t n, double seconds,
		   struct bench_idle *ret);

struct bench_store {
	double commits_per_s, floor_commits_per_s;
	size_t backlog;
	double drain_s;           /* bedroomd's launch to the last event of the backlog */
	uint64_t drain_peak_kib;  /* VmHWM of bedroomd when the backlog is through */
	uint64_t after_drain_kib; /* VmRSS then */
	size_t delivered;
};

/* Commits per second, store library against plain SQLite; the backlog drain through @s. */
int bench_store_run(struct bench_subject *s, double commit_seconds, size_t backlog,
		    struct bench_store *ret);
