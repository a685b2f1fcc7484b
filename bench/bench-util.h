#pragma once

/*
 * What the efficiency bench (bench-efficiency.c) needs from the system: a
 * clock in microseconds, processes started and stopped by PID, a mosquitto
 * broker with its default configuration on 127.0.0.1 and a free port, and
 * the figures /proc keeps about a process.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* CLOCK_MONOTONIC in microseconds. */
uint64_t bench_now_usec(void);

/* Sleeps @usec microseconds. */
void bench_sleep_usec(uint64_t usec);

/* A free TCP port on 127.0.0.1, or a negative errno. */
int bench_free_port(void);

/* A new directory under $TMPDIR (or /tmp) named bedroomd-bench-@what-XXXXXX, into @buf. */
int bench_temp_dir(char *buf, size_t size, const char *what);

/* Removes @dir and everything below it. */
void bench_remove_tree(const char *dir);

/*
 * Starts @argv (argv[0] a path) with stdout and stderr appended to @log_path
 * (NULL: inherited) and NOTIFY_SOCKET set to @notify (NULL: unset). @env is
 * NULL or a NULL-terminated list of "NAME=value" to set. Returns the PID or a
 * negative errno.
 */
pid_t bench_spawn(const char *const *argv, const char *log_path, const char *notify,
		  const char *const *env);

/* SIGTERM, then SIGKILL after 5 s; reaps it. Sets *pid to 0. */
void bench_stop(pid_t *pid);

/* Waits for @pid to end, at most @timeout_usec; its wait status or -ETIMEDOUT. */
int bench_wait(pid_t pid, uint64_t timeout_usec);

/* Whether something accepts TCP connections on 127.0.0.1:@port. */
bool bench_port_accepts(int port);

struct bench_broker {
	pid_t pid;
	int port;
	char dir[128];
};

/*
 * Starts mosquitto (the MOSQUITTO environment variable, or /usr/sbin/mosquitto)
 * with its default settings but the listener: 127.0.0.1 on a free port,
 * anonymous clients allowed (mosquitto 2.0 needs both said). Returns 0 or a
 * negative errno.
 */
int bench_broker_start(struct bench_broker *b);
/* Stops it and removes its directory. */
void bench_broker_stop(struct bench_broker *b);

/* What /proc says about a process: all its threads together. */
struct bench_proc {
	uint64_t rss_kib;           /* VmRSS */
	uint64_t hwm_kib;           /* VmHWM: the peak RSS */
	uint64_t pss_kib;           /* Pss of smaps_rollup */
	uint64_t cpu_usec;          /* run time of its live threads (schedstat), else ticks */
	uint64_t cpu_children_usec; /* of its reaped children */
	uint64_t wakeups;           /* voluntary + nonvoluntary context switches, every thread */
	unsigned threads;
};

/* Reads the figures of @pid; 0 or a negative errno. */
int bench_proc_read(pid_t pid, struct bench_proc *ret);

/* Sorts @v and returns the @q quantile (0..1) by the nearest rank. */
double bench_quantile(double *v, size_t n, double q);
