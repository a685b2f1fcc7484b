#include "daemon/store-guard.h"

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon/alerts.h"
#include "daemon/clock.h"
#include "daemon/event-source.h"
#include "daemon/log.h"

#define RETRY_USEC (60ULL * 1000000ULL)
/*
 * Damage the open does not see (a page overwritten in the middle) is looked
 * for a little after each open, off the start-up's path, then daily; and when
 * writes fail, at most this often.
 */
#define CHECK_AFTER_OPEN_USEC (30ULL * 1000000ULL)
#define CHECK_EVERY_USEC      (24ULL * 3600ULL * 1000000ULL)
#define CHECK_SUSPECT_USEC    (10ULL * 60ULL * 1000000ULL)

struct store_guard {
	sd_event *event;
	char *dir;
	int lock_fd; /* our lock on dir, or -1 */
	struct alerts *alerts;
	const struct store_guard_callbacks *cb;
	void *userdata;
	struct store *store;
	int error;
	sd_event_source *retry_timer;
	sd_event_source *check_timer;
	uint64_t checked_usec; /* CLOCK_MONOTONIC of the last check; 0: none yet */
};

static void arm_check(struct store_guard *g, uint64_t after_usec)
{
	(void) sd_event_source_set_time_relative(g->check_timer, after_usec);
	(void) sd_event_source_set_enabled(g->check_timer, SD_EVENT_ONESHOT);
}

static void raise_failed(struct store_guard *g, const char *what)
{
	char msg[300];

	snprintf(msg, sizeof(msg),
		 "The cramp log store in %s %s. bedroomd keeps running and keeps new cramps in "
		 "memory until it works again.",
		 g->dir, what);
	(void) alerts_raise(g->alerts, "store_failed", "store", msg, clock_realtime_usec());
}

/*
 * Renames the database and its WAL files to "<name>.corrupt-<time>", keeping
 * them; that name into @name.
 */
static int move_aside(struct store_guard *g, char *name, size_t size)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	char from[4096], to[4200];
	long long now = (long long) time(NULL);
	int r = 0;

	snprintf(name, size, "%s.corrupt-%lld", STORE_FILE_NAME, now);
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(from, sizeof(from), "%s/%s%s", g->dir, STORE_FILE_NAME, suffixes[i]);
		snprintf(to, sizeof(to), "%s/%s.corrupt-%lld%s", g->dir, STORE_FILE_NAME, now,
			 suffixes[i]);
		if (rename(from, to) < 0 && errno != ENOENT && r == 0)
			r = -errno;
	}
	if (r == 0)
		log_error("store: '%s/%s' is corrupt: moved aside as '%s.corrupt-%lld', starting a "
			  "new one",
			  g->dir, STORE_FILE_NAME, STORE_FILE_NAME, now);
	return r;
}

/*
 * The disk under the store gave a read error: on a Pi, most often an SD card
 * wearing out, which takes the cramp log with it. Said loudly, once an
 * episode, with what to do while the data can still be copied.
 */
static void say_io_error(struct store_guard *g)
{
	char msg[400];
	int raised;

	snprintf(msg, sizeof(msg),
		 "The disk under the cramp log store (%s) gave read errors: the SD card may be "
		 "failing. Copy the store elsewhere now and replace the card.",
		 g->dir);
	raised = alerts_raise(g->alerts, "store_io_error", "store", msg, clock_realtime_usec());
	/* Once an episode in the journal: the open is retried every minute. */
	log_write(raised == 0 ? LOG_LEVEL_DEBUG : LOG_LEVEL_ERROR,
		  "store: reading '%s/%s' failed with an I/O error: the SD card or disk under it "
		  "may be failing; copy %s elsewhere now (see \"The store\" in the README) and "
		  "replace it",
		  g->dir, STORE_FILE_NAME, g->dir);
}

/* Opens the store; @corrupt: the file is known damaged, moved aside first. */
static void try_open(struct store_guard *g, bool corrupt)
{
	int r = corrupt ? -EBADMSG : store_open(g->dir, &g->store);

	if (r == -EBADMSG) {
		char kept[300], msg[600];

		r = move_aside(g, kept, sizeof(kept));
		if (r >= 0)
			r = store_open(g->dir, &g->store);
		/* Not a failure that lasts, but history gone from the counts: say where it is. */
		if (r >= 0) {
			snprintf(
			    msg, sizeof(msg),
			    "The cramp log store in %s was damaged: it is kept as %s and a new "
			    "one was started, so earlier cramps are not counted. To go back to "
			    "a backup, see \"The store\" in bedroomd's README.",
			    g->dir, kept);
			(void) alerts_notify(g->alerts, "store_replaced", "store", msg,
					     clock_realtime_usec());
		} else
			raise_failed(g, "was corrupt and could not be replaced");
	}
	g->error = r < 0 ? r : 0;
	if (r >= 0) {
		int was = store_schema_version_opened(g->store);

		/* An upgrade changed the file: the one line that says so, and how far. */
		if (was > 0 && was < store_schema_version_current())
			log_info("store: '%s' updated from schema %d to %d (an older bedroomd "
				 "cannot open it now)",
				 store_path(g->store), was, store_schema_version_current());
		(void) sd_event_source_set_enabled(g->retry_timer, SD_EVENT_OFF);
		arm_check(g, CHECK_AFTER_OPEN_USEC);
		(void) alerts_clear(g->alerts, "store_failed", "store",
				    "The cramp log store works again.", clock_realtime_usec());
		if (g->cb->changed)
			g->cb->changed(g->store, g->userdata);
		return;
	}
	if (r == -EPROTONOSUPPORT) {
		log_error("store in '%s' was written by a newer bedroomd (schema newer than %d); "
			  "leaving it alone",
			  g->dir, store_schema_version_current());
		raise_failed(g, "was written by a newer bedroomd");
	} else {
		char what[160];

		log_error_errno(r, "store: cannot open '%s/%s', trying again every minute", g->dir,
				STORE_FILE_NAME);
		/* The phone says why too: a read-only or missing directory is for a person to fix.
		 */
		snprintf(what, sizeof(what), "cannot be opened (%s)", store_strerror(r));
		raise_failed(g, what);
		if (r == -EIO)
			say_io_error(g);
	}
	(void) sd_event_source_set_time_relative(g->retry_timer, RETRY_USEC);
	(void) sd_event_source_set_enabled(g->retry_timer, SD_EVENT_ONESHOT);
}

static int on_retry(sd_event_source *s, uint64_t usec, void *userdata)
{
	try_open(userdata, false);
	return 0;
}

uint64_t store_guard_alert_horizon_usec(const char *kind)
{
	/* The others are known at the open. */
	return strcmp(kind, "store_io_error") == 0 ? CHECK_AFTER_OPEN_USEC : 0;
}

int store_guard_check(struct store_guard *g)
{
	int r;

	if (!g || !g->store)
		return 0;
	g->checked_usec = clock_monotonic_usec();
	r = store_check(g->store);
	if (r == -EIO) {
		say_io_error(g);
		return r;
	}
	if (r != -EBADMSG) {
		if (r < 0)
			log_warning_errno(r, "store: cannot check '%s' for damage, ignoring",
					  store_path(g->store));
		else
			(void) alerts_clear(g->alerts, "store_io_error", "store",
					    "The store's disk reads without errors again.",
					    clock_realtime_usec());
		return r;
	}
	log_error("store: '%s' is damaged (SQLite's quick_check found a bad page)",
		  store_path(g->store));
	g->store = store_close(g->store);
	if (g->cb->changed)
		g->cb->changed(NULL, g->userdata);
	try_open(g, true);
	return r;
}

struct store *store_guard_suspect(struct store_guard *g)
{
	if (g && g->store &&
	    (g->checked_usec == 0 ||
	     clock_monotonic_usec() - g->checked_usec >= CHECK_SUSPECT_USEC))
		(void) store_guard_check(g);
	return store_guard_get(g);
}

static int on_check(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct store_guard *g = userdata;

	/* A damaged file is replaced, and the new one's check is armed by its open. */
	if (store_guard_check(g) != -EBADMSG && g->store)
		arm_check(g, CHECK_EVERY_USEC);
	return 0;
}

int store_guard_new(sd_event *event, const char *dir, int lock_fd, struct alerts *alerts,
		    const struct store_guard_callbacks *cb, void *userdata,
		    struct store_guard **ret)
{
	struct store_guard *g = calloc(1, sizeof(*g));
	int r;

	assert(ret);
	if (!g || !(g->dir = strdup(dir))) {
		free(g);
		return -ENOMEM;
	}
	g->lock_fd = -1; /* not ours until we succeed */
	g->event = sd_event_ref(event);
	g->alerts = alerts;
	g->cb = cb;
	g->userdata = userdata;
	r = sd_event_add_time_relative(event, &g->retry_timer, CLOCK_MONOTONIC, RETRY_USEC, 0,
				       on_retry, g);
	if (r >= 0)
		r = event_source_describe(g->retry_timer, "store-retry");
	if (r >= 0)
		r = sd_event_add_time_relative(event, &g->check_timer, CLOCK_MONOTONIC,
					       CHECK_AFTER_OPEN_USEC, 0, on_check, g);
	if (r >= 0)
		r = event_source_describe(g->check_timer, "store-check");
	if (r >= 0)
		r = sd_event_source_set_enabled(g->check_timer, SD_EVENT_OFF);
	if (r < 0) {
		store_guard_free(g);
		return r;
	}
	(void) sd_event_source_set_enabled(g->retry_timer, SD_EVENT_OFF);
	g->lock_fd = lock_fd;
	try_open(g, false);
	*ret = g;
	return 0;
}

struct store_guard *store_guard_free(struct store_guard *g)
{
	if (!g)
		return NULL;
	g->retry_timer = sd_event_source_disable_unref(g->retry_timer);
	g->check_timer = sd_event_source_disable_unref(g->check_timer);
	g->store = store_close(g->store);
	if (g->lock_fd >= 0)
		(void) close(g->lock_fd);
	sd_event_unref(g->event);
	free(g->dir);
	free(g);
	return NULL;
}

struct store *store_guard_get(const struct store_guard *g)
{
	return g ? g->store : NULL;
}

int store_guard_error(const struct store_guard *g)
{
	return g ? g->error : -ENODEV;
}
