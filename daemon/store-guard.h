#pragma once

#include <stdint.h>

#include <systemd/sd-event.h>

#include "daemon/alerts.h"
#include "store/store.h"

/*
 * Keeps the store open: a corrupt file (at open, or found by
 * store_guard_check()) is moved aside (kept, renamed with the time) and a
 * fresh one started; a store that cannot be opened is tried again
 * every minute. Failures raise store_failed once; it is cleared once the store
 * works. The daemon never stops for the store: what it cannot write it keeps
 * in memory meanwhile.
 */

struct store_guard;

struct store_guard_callbacks {
	/* The store was opened (@store) or lost (NULL). */
	void (*changed)(struct store *store, void *userdata);
};

/*
 * Opens the store in @dir now (failures are logged and retried). @lock_fd is
 * this process's lock on @dir (store_dir_lock()), or -1 when none could be
 * taken: taken on success only, and released by store_guard_free() after the
 * store is closed, so the lock goes with the store. Returns 0 or a negative
 * errno.
 */
int store_guard_new(sd_event *event, const char *dir, int lock_fd, struct alerts *alerts,
		    const struct store_guard_callbacks *cb, void *userdata,
		    struct store_guard **ret);
/* Closes the store, then releases the lock on its directory; accepts NULL; returns NULL. */
struct store_guard *store_guard_free(struct store_guard *g);

/*
 * Checks the open store for damage (store_check()): a damaged file is closed
 * (the callback gets NULL), moved aside and a new one started, as at start.
 * A read error (-EIO: a failing SD card) raises store_io_error, a good check
 * clears it. Call it from the loop, not from inside a use of the store.
 * Returns 0, -EBADMSG when the file was damaged (and replaced), or the -errno
 * of a check that could not run (logged).
 */
int store_guard_check(struct store_guard *g);

/* How long after a start the alert @kind of source "store" takes to be found again. */
uint64_t store_guard_alert_horizon_usec(const char *kind);

/*
 * Writes to the store failed: checks it for damage now, unless it was checked
 * in the last 10 minutes (a full disk fails every write; a check reads the
 * whole file). Returns the open store then (a new one for a damaged), or NULL.
 */
struct store *store_guard_suspect(struct store_guard *g);

/* The open store, or NULL. */
struct store *store_guard_get(const struct store_guard *g);

/* Why there is no store (a negative errno), or 0. */
int store_guard_error(const struct store_guard *g);
