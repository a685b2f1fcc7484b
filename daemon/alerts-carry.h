#pragma once

#include <stddef.h>

#include "daemon/alerts.h"

struct store;

/*
 * The alerts one run leaves active, for the next (no "raised" without its
 * "cleared"): kept in the store, and read back from it, or from the last run's
 * state retained on the broker for what the store could not keep (the store
 * itself failing). Each read back is cleared unless seen again within the time
 * @recheck gives (alerts_restore(); for what needs the broker, counted from the
 * last connect).
 */

/* Keeps the active set in @store (NULL: nowhere to keep it). Failures are logged. */
void alerts_carry_keep(struct alerts *a, struct store *store);

/* What the last run kept in @store (NULL: nothing). */
void alerts_carry_from_store(struct alerts *a, struct store *store, alerts_recheck_fn recheck,
			     void *userdata);

/*
 * The "alerts" of the last run's retained state (@payload, @len), unless it is
 * this run's own (its "started" is @started).
 */
void alerts_carry_from_state(struct alerts *a, const void *payload, size_t len, const char *started,
			     alerts_recheck_fn recheck, void *userdata);
