#include "bench/bench-report.h"

#include <mosquitto.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

static const char *const names[] = { "floor relay", "bedroomd", "Node-RED" };

static void cpu_model(char *buf, size_t size)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "re");

	snprintf(buf, size, "unknown CPU");
	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) == 0 && colon) {
			snprintf(buf, size, "%s", colon + 2);
			buf[strcspn(buf, "\n")] = '\0';
			break;
		}
	}
	if (f)
		fclose(f);
}

void bench_report_header(const struct bench_results *r, const struct bench_paths *p, size_t trips,
			 double idle_s, double load_s, unsigned rate)
{
	struct utsname u;
	char cpu[128];
	int major, minor, rev;

	cpu_model(cpu, sizeof(cpu));
	(void) uname(&u);
	mosquitto_lib_version(&major, &minor, &rev);
	printf("# bedroomd efficiency bench\n\n");
	printf("Machine: %s, %ld cores, Linux %s. Broker: mosquitto, default settings but "
	       "the listener (127.0.0.1, a free port); libmosquitto %d.%d.%d.\n",
	       cpu, sysconf(_SC_NPROCESSORS_ONLN), u.release, major, minor, rev);
	printf("Subjects: the floor relay (bench-relay), bedroomd (%s)%s. %zu round trips, idle "
	       "%.0f s, %u msg/s for %.0f s.\n\n",
	       p->daemon, r->n > 2 ? ", Node-RED" : "; Node-RED skipped (no node)", trips, idle_s,
	       rate, load_s);
}

static double ratio(double v, double floor)
{
	return floor > 0 ? v / floor : 0;
}

/* "| name | a | b (r×) | c (r×) |": @v[0] is the floor. */
static void row(const char *name, const double *v, size_t n, int decimals)
{
	char cell[64];

	printf("| %s |", name);
	for (size_t i = 0; i < n; i++) {
		snprintf(cell, sizeof(cell), "%.*f", decimals, v[i]);
		if (i == 0 || v[0] <= 0)
			printf(" %s |", cell);
		else
			printf(" %s (%.2f×) |", cell, ratio(v[i], v[0]));
	}
	printf("\n");
}

static void head(const struct bench_results *r, size_t n, const char *extra)
{
	printf("| figure |");
	for (size_t i = 0; i < n && i < r->n; i++)
		printf(" %s |", names[i]);
	if (extra)
		printf(" %s |", extra);
	printf("\n|---|");
	for (size_t i = 0; i < n + (extra != NULL); i++)
		printf("---|");
	printf("\n");
}

/*
 * The CPU share's ratio to the floor's round by round: how far one 5 s round
 * can be trusted, and so the figure over all of them. The median says what
 * most rounds saw when a few were hit by a slow spell of the machine.
 */
static void load_rounds(const struct bench_results *r)
{
	const struct bench_load *floor = &r->load[0];

	if (floor->rounds < 2)
		return;
	printf("\nCPU share, round by round (%zu rounds of %.0f s, in turn, each counted after "
	       "its first readings), as ratios to the floor's:\n",
	       floor->rounds, floor->seconds / (double) floor->rounds);
	for (size_t i = 1; i < r->n; i++) {
		double v[BENCH_LOAD_ROUNDS_MAX];
		size_t n = 0;

		printf("- %s:", names[i]);
		for (size_t k = 0; k < r->load[i].rounds && k < floor->rounds; k++) {
			v[n] = ratio(r->load[i].round_share[k], floor->round_share[k]);
			printf(" %.2f×", v[n++]);
		}
		if (n > 0)
			printf(" (median %.2f×)", bench_quantile(v, n, 0.50));
		printf("\n");
	}
}

static void latency(const struct bench_results *r)
{
	double v[BENCH_SUBJECTS_MAX] = { 0 };

	printf("\n## Temperature in -> heater command out (sequential round trips)\n\n");
	head(r, r->n, NULL);
#define ROW(label, expr, decimals)                                                                 \
	do {                                                                                       \
		for (size_t i = 0; i < r->n; i++)                                                  \
			v[i] = (expr);                                                             \
		row(label, v, r->n, decimals);                                                     \
	} while (0)
	ROW("p50 (µs)", r->latency[i].p50_usec, 0);
	ROW("p99 (µs)", r->latency[i].p99_usec, 0);
	ROW("max (µs)", r->latency[i].max_usec, 0);
	ROW("late (> 1 s)", (double) r->latency[i].late, 0);
	ROW("missing (none in 3 s)", (double) r->latency[i].missing, 0);
	ROW("messages sent per reading", r->latency[i].msgs_per_reading, 2);
	ROW("bytes sent per reading (topic + payload)", r->latency[i].bytes_per_reading, 0);
	ROW("readings whose first message out is the command (%)",
	    100.0 * (double) r->latency[i].command_first / (double) r->latency[i].trips, 1);

	printf("\n## Load: readings at a fixed rate\n\n");
	head(r, r->n, NULL);
	ROW("CPU share (%)", 100.0 * r->load[i].cpu_share, 2);
	ROW("wake-ups per reading (context switches)", r->load[i].wakeups_per_reading, 2);
	ROW("p50 (µs)", r->load[i].p50_usec, 0);
	ROW("p99 (µs)", r->load[i].p99_usec, 0);
	ROW("readings without their command", (double) r->load[i].missing, 0);
	ROW("RSS (MiB)", (double) r->load[i].rss_kib / 1024.0, 2);
	load_rounds(r);

	printf("\n## Start-up (median of the runs; launch = fork)\n\n");
	head(r, r->n, NULL);
	ROW("launch -> READY=1 (ms)", r->startup[i].ready_usec / 1000.0, 1);
	ROW("slowest launch -> READY=1 (ms)", r->startup[i].ready_max_usec / 1000.0, 1);
	ROW("launch -> online on the broker (ms)", r->startup[i].online_usec / 1000.0, 1);
	ROW("slowest launch -> online (ms)", r->startup[i].online_max_usec / 1000.0, 1);
	ROW("launch -> the answer to a waiting reading (ms)", r->startup[i].reply_usec / 1000.0, 1);
	ROW("runs", (double) r->startup[i].runs, 0);
#undef ROW
}

static void idle(const struct bench_results *r)
{
	size_t n = r->n + 1, w1 = r->n;
	double v[BENCH_SUBJECTS_MAX + 1] = { 0 };

	printf("\n## Idle, %.0f s, all at the same time (no traffic; bedroomd (w1) reads a "
	       "DS18B20 on a fake sysfs tree every 30 s)\n\n",
	       r->idle[0].seconds);
	head(r, r->n, "bedroomd (w1)");
#define ROW(label, expr, decimals)                                                                 \
	do {                                                                                       \
		for (size_t i = 0; i < n; i++)                                                     \
			v[i] = (expr);                                                             \
		row(label, v, n, decimals);                                                        \
	} while (0)
	ROW("RSS (MiB)", (double) r->idle[i].end.rss_kib / 1024.0, 2);
	ROW("PSS (MiB)", (double) r->idle[i].end.pss_kib / 1024.0, 2);
	ROW("CPU time (ms)", (double) r->idle[i].cpu_usec / 1000.0, 0);
	ROW("wake-ups (context switches, all threads)", (double) r->idle[i].wakeups, 0);
	ROW("threads", (double) r->idle[i].end.threads, 0);
#undef ROW
	(void) w1;
}

static void store(const struct bench_results *r)
{
	const struct bench_store *s = &r->store;

	printf("\n## The store (synchronous=FULL, WAL)\n\n");
	printf("| figure | floor (plain SQLite, one prepared INSERT) | bedroomd's store |\n");
	printf("|---|---|---|\n");
	printf("| cramps committed per second | %.0f | %.0f (%.2f×) |\n", s->floor_commits_per_s,
	       s->commits_per_s, ratio(s->commits_per_s, s->floor_commits_per_s));
	printf("\nA backlog of %zu undelivered cramps, as a week without the broker leaves "
	       "it, drained by bedroomd: %zu delivered, the last %.2f s after the launch; peak "
	       "RSS %.2f MiB, %.2f MiB after.\n",
	       s->backlog, s->delivered, s->drain_s, (double) s->drain_peak_kib / 1024.0,
	       (double) s->after_drain_kib / 1024.0);
}

void bench_report_print(const struct bench_results *r)
{
	latency(r);
	idle(r);
	store(r);
}
