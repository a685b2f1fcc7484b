#include "daemon/store-guard.h"

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
	/* A damaged file moved aside whose records wait to be copied to the next store, or NULL. */
	char *unsalvaged;
};

static void arm_check(struct store_guard *g, uint64_t after_usec)
{
	(void) sd_event_source_set_time_relative(g->check_timer, after_usec);
	(void) sd_event_source_set_enabled(g->check_timer, SD_EVENT_ONESHOT);
}

static void raise_failed(struct store_guard *g, const char *what)
{
	char msg[600];

	snprintf(msg, sizeof(msg),
		 "The cramp log store in %s %s. bedroomd keeps running and keeps new cramps in "
		 "memory until it works again.",
		 g->dir, what);
	(void) alerts_raise(g->alerts, ALERT_STORE_FAILED, "store", msg, clock_realtime_usec());
}

/* Whether none of @base, @base-wal and @base-shm is in g->dir. */
static bool names_free(const struct store_guard *g, const char *base)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	char path[4200];
	struct stat st;

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s%s", g->dir, base, suffixes[i]);
		if (lstat(path, &st) == 0 || errno != ENOENT)
			return false;
	}
	return true;
}

/*
 * Renames the database and its WAL files to "<name>.corrupt-<time>" (with
 * "-2", "-3"... when that is taken), keeping them; that name into @name. All
 * three or none: the new store is never opened beside the old one's -wal
 * (SQLite deletes a -wal beside an empty file: what it held would be lost),
 * and a file kept before is never replaced, nor given another's -wal (a
 * clock set back gives a time again; rename() overwrites without a word, and
 * SQLite applies any -wal beside a file to it).
 */
static int move_aside(struct store_guard *g, char *name, size_t size)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	char from[3][4096], to[3][4200];
	long long now = (long long) time(NULL);
	bool moved[3] = { false, false, false };
	int r = 0;

	snprintf(name, size, "%s.corrupt-%lld", STORE_FILE_NAME, now);
	for (int k = 2; !names_free(g, name); k++) {
		if (k > 100)
			return -EEXIST;
		snprintf(name, size, "%s.corrupt-%lld-%d", STORE_FILE_NAME, now, k);
	}
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]) && r == 0; i++) {
		snprintf(from[i], sizeof(from[i]), "%s/%s%s", g->dir, STORE_FILE_NAME, suffixes[i]);
		snprintf(to[i], sizeof(to[i]), "%s/%s%s", g->dir, name, suffixes[i]);
		if (rename(from[i], to[i]) == 0)
			moved[i] = true;
		else if (errno != ENOENT)
			r = -errno;
	}
	if (r < 0) {
		for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
			if (moved[i] && rename(to[i], from[i]) < 0)
				log_error_errno(-errno, "store: cannot put '%s' back as '%s'",
						to[i], from[i]);
		return log_error_errno(r, "store: cannot move the damaged '%s' aside", from[0]);
	}
	log_error("store: '%s/%s' is corrupt: moved aside as '%s', starting a new one", g->dir,
		  STORE_FILE_NAME, name);
	return 0;
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
	raised = alerts_raise(g->alerts, ALERT_STORE_IO_ERROR, "store", msg, clock_realtime_usec());
	/* Once an episode in the journal: the open is retried every minute. */
	log_write(raised == 0 ? LOG_LEVEL_DEBUG : LOG_LEVEL_ERROR,
		  "store: reading '%s/%s' failed with an I/O error: the SD card or disk under it "
		  "may be failing; copy %s elsewhere now (see \"The store\" in the README) and "
		  "replace it",
		  g->dir, STORE_FILE_NAME, g->dir);
}

/*
 * Whether the WAL files of @path ("-wal", "-shm") are there: @had[i] for
 * suffix i. With @had from before, removes those that were not, and are
 * empty of data: a reader of a WAL database makes them, and cannot remove them.
 */
static void wal_files(const char *path, bool had[2], bool remove)
{
	static const char *const suffixes[] = { "-wal", "-shm" };
	char name[4200];
	struct stat st;

	for (size_t i = 0; i < 2; i++) {
		bool there;

		snprintf(name, sizeof(name), "%s%s", path, suffixes[i]);
		there = stat(name, &st) == 0;
		if (!remove)
			had[i] = there;
		else if (there && !had[i] && (i == 1 || st.st_size == 0))
			(void) unlink(name);
	}
}

/* What salvage() copied: a count each, or the -errno that stopped it. */
struct salvaged {
	int cramps, undelivered, advisories, records, settings, samples, relays;
	bool complete;
};

/*
 * Copies the tables beside the cramps from @from to g->store, into @n: the
 * settings, advisories and reminder records, the room's temperatures (a
 * cramp's context looks hours back) and the relays' times (relay care across
 * the restart). What fails is said, not retried.
 */
static void salvage_others(struct store_guard *g, struct store *from, struct salvaged *n)
{
	const struct {
		const char *what;
		int (*copy)(struct store *from, struct store *to);
		int *count;
	} tables[] = {
		{ "settings", store_settings_salvage, &n->settings },
		{ "advisories", store_advisories_salvage, &n->advisories },
		{ "reminder records", store_reminder_records_salvage, &n->records },
		{ "room temperatures", store_room_temperature_salvage, &n->samples },
		{ "relays' times", store_relays_salvage, &n->relays },
	};

	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		*tables[i].count = tables[i].copy(from, g->store);
		if (*tables[i].count < 0)
			log_warning("store: cannot copy the %s from '%s' (%s), ignoring",
				    tables[i].what, g->unsalvaged,
				    store_strerror(*tables[i].count));
	}
}

static const char *plural(int n)
{
	return n == 1 ? "" : "s";
}

/*
 * Copies what the damaged file g->unsalvaged (moved aside) still reads into
 * the store just opened: every cramp, delivered or not as it was (the cramp
 * log sends those the broker does not have yet from there, with their ids: a
 * repeat is dropped by it), so the history and its counts go on; then the
 * settings (the floor and mode kept from Home Assistant, what heating
 * learned), the advisories and the reminder records. Says how it went in the
 * journal and, in @msg, for the notice.
 */
static void salvage(struct store_guard *g, char *msg, size_t size)
{
	struct store *from = NULL;
	bool had[2] = { false, false };
	struct salvaged n = { 0 };
	int r;

	msg[0] = '\0';
	wal_files(g->unsalvaged, had, false);
	r = store_open_read_only(g->unsalvaged, &from);
	if (r >= 0) {
		n.cramps = store_cramps_salvage(from, g->store, &n.undelivered, &n.complete);
		/* Only once the cramps are in: the records have no id to drop a second copy by. */
		if (n.cramps >= 0)
			salvage_others(g, from, &n);
	}
	from = store_close(from);
	wal_files(g->unsalvaged, had, true); /* the kept file as it was moved aside */
	if (r < 0) {
		log_error("store: nothing can be read back from '%s' (%s): its cramps are not in "
			  "the new store, and those the broker did not have yet are lost",
			  g->unsalvaged, store_strerror(r));
		snprintf(msg, size,
			 " Nothing could be read back from it: its cramps are not counted in the "
			 "new one, and those not sent yet are lost.");
	} else if (n.cramps < 0) {
		/* The new store cannot take them: they stay in the kept file, tried at the next. */
		log_error("store: cannot copy the cramps from '%s' to the new store (%s); trying "
			  "again when it is opened again",
			  g->unsalvaged, store_strerror(n.cramps));
		snprintf(msg, size, " Its cramps could not be copied to the new one (%s).",
			 store_strerror(n.cramps));
		return;
	} else {
		int advisories = n.advisories < 0 ? 0 : n.advisories,
		    records = n.records < 0 ? 0 : n.records,
		    settings = n.settings < 0 ? 0 : n.settings,
		    samples = n.samples < 0 ? 0 : n.samples, relays = n.relays < 0 ? 0 : n.relays;

		log_info("store: salvaged %d cramp%s (%d the broker did not have yet), %d "
			 "advisor%s, %d reminder record%s, %d setting%s, %d room temperature%s "
			 "and %d heater%s relay times from '%s'%s",
			 n.cramps, plural(n.cramps), n.undelivered, advisories,
			 advisories == 1 ? "y" : "ies", records, plural(records), settings,
			 plural(settings), samples, plural(samples), relays,
			 relays == 1 ? "'s" : "s'", g->unsalvaged,
			 n.complete ? "" : "; a damaged part of it could not be read");
		if (n.cramps > 0 && n.undelivered > 0)
			snprintf(msg, size,
				 " Its %d cramp%s %s copied to the new one; the %d the broker did "
				 "not have yet %s sent.",
				 n.cramps, plural(n.cramps), n.cramps == 1 ? "was" : "were",
				 n.undelivered, n.undelivered == 1 ? "is" : "are");
		else if (n.cramps > 0)
			snprintf(msg, size, " Its %d cramp%s %s copied to the new one.", n.cramps,
				 plural(n.cramps), n.cramps == 1 ? "was" : "were");
		if (!n.complete) {
			size_t len = strlen(msg);

			snprintf(msg + len, size - len,
				 " A damaged part could not be read: the cramps there are lost.");
		}
	}
	free(g->unsalvaged);
	g->unsalvaged = NULL;
}

/*
 * The state directory's lock, when the start could not take it (read-only, or
 * not there yet): taken before the store is, or a second bedroomd started
 * meanwhile would be let in (a user trial). 0, or -EBUSY when another process
 * holds it (*ret_holder its PID, 0 if unknown); a directory that cannot be
 * locked (read-only still) is left to the open to say why.
 */
static int take_lock(struct store_guard *g, long *ret_holder)
{
	int fd;

	*ret_holder = 0;
	if (g->lock_fd >= 0)
		return 0;
	fd = store_dir_lock(g->dir, ret_holder);
	if (fd == -EBUSY)
		return fd;
	if (fd >= 0) {
		g->lock_fd = fd;
		log_info("store: the state directory %s is locked for this bedroomd now", g->dir);
	}
	return 0;
}

/* Opens the store; @corrupt: the file is known damaged, moved aside first. */
static void try_open(struct store_guard *g, bool corrupt)
{
	long holder = 0;
	int r = corrupt ? -EBADMSG : take_lock(g, &holder);

	if (r == 0)
		r = store_open(g->dir, &g->store);

	if (r == -EBADMSG) {
		char kept[300], salvaged[300], msg[1000];

		r = move_aside(g, kept, sizeof(kept));
		if (r >= 0) {
			/* A new store that cannot be opened now is given them when it can. */
			free(g->unsalvaged);
			if (asprintf(&g->unsalvaged, "%s/%s", g->dir, kept) < 0)
				g->unsalvaged = NULL;
			r = store_open(g->dir, &g->store);
		}
		/* Not a failure that lasts, but history gone from the counts: say where it is. */
		if (r >= 0) {
			salvage(g, salvaged, sizeof(salvaged));
			snprintf(msg, sizeof(msg),
				 "The cramp log store in %s was damaged: it is kept as %s and a "
				 "new one was started.%s To go back to a backup, see \"The store\" "
				 "in bedroomd's README.",
				 g->dir, kept, salvaged);
			(void) alerts_notify(g->alerts, "store_replaced", "store", msg,
					     clock_realtime_usec());
		} else
			raise_failed(g, "was corrupt and could not be replaced");
	} else if (r >= 0 && g->unsalvaged) {
		char salvaged[300];

		/* The store replacing a damaged one opened only now. */
		salvage(g, salvaged, sizeof(salvaged));
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
		(void) alerts_clear(g->alerts, ALERT_STORE_FAILED, "store",
				    "The cramp log store works again.", clock_realtime_usec());
		if (g->cb->changed)
			g->cb->changed(g->store, g->userdata);
		return;
	}
	if (r == -EBUSY) {
		char pid[32] = "", what[160];

		if (holder > 0)
			snprintf(pid, sizeof(pid), " (PID %ld)", holder);
		log_error("store: another bedroomd%s holds the state directory %s: not opening "
			  "its store (two would write one store); trying again every minute",
			  pid, g->dir);
		snprintf(what, sizeof(what), "is held by another bedroomd%s", pid);
		raise_failed(g, what);
	} else if (r == -EPROTONOSUPPORT) {
		log_error("store in '%s' was written by a newer bedroomd (schema newer than %d); "
			  "leaving it alone",
			  g->dir, store_schema_version_current());
		raise_failed(g, "was written by a newer bedroomd");
	} else {
		/* What a person fixes gets a hint: a file SQLite would only have read
		 * (store_open()). */
		const char *hint = r == -EROFS ? "the filesystem is read-only (remounted so after "
						 "disk errors?)"
				   : r == -EACCES ? "it or its directory is not writable by this "
						    "user (owned by root? chown it)"
				   : r == -EPERM  ? "it is immutable (chattr -i it)"
						  : NULL;
		char what[300];

		log_error("store: cannot open '%s/%s', trying again every minute: %s%s%s%s", g->dir,
			  STORE_FILE_NAME, store_strerror(r), hint ? " (" : "", hint ? hint : "",
			  hint ? ")" : "");
		/* The phone says why too: a read-only or missing directory is for a person to fix.
		 */
		snprintf(what, sizeof(what), "cannot be opened (%s)%s%s", store_strerror(r),
			 hint ? ": " : "", hint ? hint : "");
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
	return strcmp(kind, ALERT_STORE_IO_ERROR) == 0 ? CHECK_AFTER_OPEN_USEC : 0;
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
			(void) alerts_clear(g->alerts, ALERT_STORE_IO_ERROR, "store",
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
	free(g->unsalvaged);
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
