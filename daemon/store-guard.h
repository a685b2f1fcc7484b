#pragma once

#include <systemd/sd-event.h>

#include "daemon/alerts.h"
#include "store/store.h"

/*
 * Keeps the store open: a corrupt file is moved aside (kept, renamed with the
 * time) and a fresh one started; a store that cannot be opened is tried again
 * every minute. Failures raise store_failed once; it is cleared once the store
 * works. The daemon never stops for the store: what it cannot write it keeps
 * in memory meanwhile.
 */

struct store_guard;

struct store_guard_callbacks {
	/* The store was opened (@store) or lost (NULL). */
	void (*changed)(struct store *store, void *userdata);
};

/* Opens the store in @dir now (failures are logged and retried). Returns 0 or -ENOMEM. */
int store_guard_new(sd_event *event, const char *dir, struct alerts *alerts,
		    const struct store_guard_callbacks *cb, void *userdata,
		    struct store_guard **ret);
struct store_guard *store_guard_free(struct store_guard *g);

/* The open store, or NULL. */
struct store *store_guard_get(const struct store_guard *g);

/* Why there is no store (a negative errno), or 0. */
int store_guard_error(const struct store_guard *g);
