#pragma once

/* The efficiency bench's report: Markdown tables, each figure beside the floor's, as a ratio. */

#include <stddef.h>

#include "bench/bench-phases.h"

#define BENCH_SUBJECTS_MAX 3 /* the floor relay, bedroomd, Node-RED */

struct bench_results {
	size_t n; /* subjects: [0] the floor, [1] bedroomd, [2] Node-RED */
	struct bench_startup startup[BENCH_SUBJECTS_MAX];
	struct bench_latency latency[BENCH_SUBJECTS_MAX];
	struct bench_load load[BENCH_SUBJECTS_MAX];
	struct bench_idle idle[BENCH_SUBJECTS_MAX + 1]; /* and bedroomd with a w1 sensor, last */
	struct bench_store store;
};

/* The machine, the broker, what runs. */
void bench_report_header(const struct bench_results *r, const struct bench_paths *p, size_t trips,
			 double idle_s, double load_s, unsigned rate);

/* Every table. */
void bench_report_print(const struct bench_results *r);
