/*
 * The cramps the broker acknowledged that the store could not mark delivered
 * (a full disk, a card gone read-only): kept so that they are not sent again
 * and again (a review: 20 000 copies of one cramp in 3 s), and marked once the
 * store can. Beyond MEMORY_MAX the oldest goes: it may be sent once more,
 * which its id lets a consumer drop.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/cramp-log-internal.h"
#include "daemon/log.h"
#include "store/store.h"

bool cramp_log_acked_has(const struct cramp_log *l, const char *id)
{
	for (size_t i = 0; i < l->n_acked; i++)
		if (strcmp(l->acked[i], id) == 0)
			return true;
	return false;
}

static void acked_drop(struct cramp_log *l, size_t i)
{
	free(l->acked[i]);
	memmove(&l->acked[i], &l->acked[i + 1], (l->n_acked - i - 1) * sizeof(*l->acked));
	l->n_acked--;
}

void cramp_log_forget_acked(struct cramp_log *l, const char *id)
{
	for (size_t i = 0; i < l->n_acked; i++)
		if (strcmp(l->acked[i], id) == 0) {
			acked_drop(l, i);
			return;
		}
}

void cramp_log_acked_add(struct cramp_log *l, const char *id, int error)
{
	char *copy = strdup(id);
	char **grown;

	if (!copy)
		return;
	if (l->n_acked == MEMORY_MAX)
		acked_drop(l, 0);
	grown = realloc(l->acked, (l->n_acked + 1) * sizeof(*l->acked));
	if (!grown) {
		free(copy);
		return;
	}
	l->acked = grown;
	if (l->n_acked == 0)
		log_warning("cramp log: cannot mark '%s' delivered: %s; it is not sent again, and "
			    "marked once the store can",
			    id, store_strerror(error));
	l->acked[l->n_acked++] = copy;
}

void cramp_log_acked_flush(struct cramp_log *l)
{
	size_t before = l->n_acked;

	if (!l->store)
		return;
	for (size_t i = 0; i < l->n_acked;) {
		int r = store_cramp_mark_delivered(l->store, l->acked[i]);

		if (r < 0 && r != -ENOENT) {
			log_debug("cramp log: still cannot mark '%s' delivered: %s", l->acked[i],
				  store_strerror(r));
			return;
		}
		acked_drop(l, i);
	}
	if (before > 0)
		log_info("cramp log: %zu cramp%s the broker had are marked delivered now", before,
			 before == 1 ? "" : "s");
}

void cramp_log_acked_clear(struct cramp_log *l)
{
	while (l->n_acked > 0)
		acked_drop(l, l->n_acked - 1);
	free(l->acked);
	l->acked = NULL;
}
