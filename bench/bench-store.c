/*
 * The store: cramps committed a second through the store library
 * (synchronous=FULL, WAL) against plain SQLite doing the least with the same
 * settings; and a backlog of undelivered events, as the broker's absence
 * leaves it, drained by bedroomd.
 */
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/bench-client.h"
#include "bench/bench-phases.h"
#include "store/cramps.h"
#include "store/store.h"

#define DRAIN_TIMEOUT_USEC (600ULL * 1000000ULL)

static double store_rate(const char *dir, double seconds)
{
	struct store *s = NULL;
	uint64_t t0, t1;
	size_t n = 0;

	if (store_open(dir, &s) < 0)
		return 0;
	t1 = t0 = bench_now_usec();
	do {
		char id[64];
		struct store_cramp c = { .id = id,
					 .time = time(NULL),
					 .recorded = time(NULL),
					 .leg = (char *) (uintptr_t) "left",
					 .source = (char *) (uintptr_t) "bench",
					 .room_c = 17.5,
					 .min_room_c = NAN,
					 .in_bed = 1,
					 .heater_on = 0,
					 .heater_duty_1h = NAN,
					 .soak_done = -1,
					 .count_7d = 1 };

		snprintf(id, sizeof(id), "bench-rate-%zu", n);
		if (store_cramp_add(s, &c) < 0)
			break;
		n++;
		t1 = bench_now_usec();
	} while (t1 - t0 < (uint64_t) (seconds * 1e6));
	store_close(s);
	return (double) n / ((double) (t1 - t0) / 1e6);
}

/* The same durability with the least work: one prepared INSERT of a short row. */
static double sqlite_rate(const char *dir, double seconds)
{
	char path[256];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	uint64_t t0, t1;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/floor.sqlite", dir);
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db,
			 "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
			 "CREATE TABLE t (id TEXT PRIMARY KEY NOT NULL, v TEXT);",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?, 'left');", -1, &st, NULL) !=
		SQLITE_OK) {
		sqlite3_close(db);
		return 0;
	}
	t1 = t0 = bench_now_usec();
	do {
		char id[64];

		snprintf(id, sizeof(id), "bench-rate-%zu", n);
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE)
			break;
		sqlite3_reset(st);
		n++;
		t1 = bench_now_usec();
	} while (t1 - t0 < (uint64_t) (seconds * 1e6));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return (double) n / ((double) (t1 - t0) / 1e6);
}

/* @n undelivered cramps over the last days, in one transaction (the store makes the schema). */
static int make_backlog(const char *state_dir, size_t n)
{
	struct store *s = NULL;
	char path[256];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t now = (int64_t) time(NULL);
	int r = store_open(state_dir, &s);

	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "%s", store_path(s));
	store_close(s);
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "BEGIN;", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "INSERT INTO cramps (id, time, tz_offset_s, recorded, leg, source, "
			       "count_7d) VALUES (?, ?, 0, ?, 'left', 'bench', 1);",
			       -1, &st, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return -EIO;
	}
	for (size_t i = 0; i < n; i++) {
		char id[64];
		int64_t t = now - (int64_t) (n - i) * 60;

		snprintf(id, sizeof(id), "bench-backlog-%06zu", i);
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, t);
		sqlite3_bind_int64(st, 3, t);
		if (sqlite3_step(st) != SQLITE_DONE)
			r = -EIO;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (sqlite3_exec(db, "COMMIT;", NULL, NULL, NULL) != SQLITE_OK)
		r = -EIO;
	sqlite3_close(db);
	return r;
}

/* Launches @s on the backlog and waits for all of it on the broker. */
static int drain(struct bench_subject *s, size_t backlog, struct bench_store *ret)
{
	struct bench_client *c = NULL;
	const struct bench_msg *m;
	struct bench_proc p;
	char topic[128], id[64];
	uint64_t end, last = 0;
	int r;

	snprintf(topic, sizeof(topic), "bedroomd/%s/event/cramp", s->id);
	snprintf(id, sizeof(id), "bench-%s-drain", s->id);
	r = bench_client_new(s->port, id, &c);
	if (r >= 0)
		r = bench_client_subscribe(c, topic);
	if (r >= 0)
		r = bench_subject_launch(s);
	end = bench_now_usec() + DRAIN_TIMEOUT_USEC;
	while (r >= 0 && bench_client_messages(c, &m) < backlog && bench_now_usec() < end) {
		size_t before = bench_client_messages(c, &m);

		r = bench_clients_pump(&c, 1, 100000);
		if (bench_client_messages(c, &m) > before)
			last = m[bench_client_messages(c, &m) - 1].at_usec;
	}
	ret->delivered = bench_client_messages(c, &m);
	ret->drain_s = last ? (double) (last - s->launch_usec) / 1e6 : 0;
	if (r >= 0 && bench_proc_read(s->pid, &p) >= 0) {
		ret->drain_peak_kib = p.hwm_kib;
		ret->after_drain_kib = p.rss_kib;
	}
	bench_subject_stop(s);
	bench_client_free(c);
	return r;
}

int bench_store_run(struct bench_subject *s, double commit_seconds, size_t backlog,
		    struct bench_store *ret)
{
	char dir[160], state[192];
	int r;

	*ret = (struct bench_store){ .backlog = backlog };
	snprintf(dir, sizeof(dir), "%s/rate", s->dir);
	ret->commits_per_s = store_rate(dir, commit_seconds);
	ret->floor_commits_per_s = sqlite_rate(dir, commit_seconds);
	snprintf(state, sizeof(state), "%s/state", s->dir);
	r = make_backlog(state, backlog);
	return r < 0 ? r : drain(s, backlog, ret);
}
