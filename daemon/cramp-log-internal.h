#pragma once

/*
 * Inside the cramp log: its state, and what its parts share. cramp-log.c
 * takes reports in and sends them out; cramp-amend.c fills in a logged cramp
 * from a report that repeats it.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "control/cramp-confirm.h"
#include "control/cramp-tracker.h"
#include "daemon/command-guard.h"
#include "daemon/cramp-log.h"
#include "daemon/warn-limit.h"
#include "store/cramps.h"

/* A cramp's count_7d while the count is not known (see count_known): null in its event. */
#define COUNT_7D_UNKNOWN (-1)

/* Events handed to libmosquitto and not yet acknowledged, at most. */
#define WINDOW 4
#define WEEK_S (7 * 86400)
/*
 * Cramps kept in memory while the store cannot take them: years of nights at a few a
 * night, a few hundred kilobytes. Beyond it the oldest already at the broker goes first.
 */
#define MEMORY_MAX 1024

struct in_flight {
	int mid;
	char *id;
	bool in_memory;
	bool outdated; /* amended since it was sent: the broker's ack is for the old version */
};

struct cramp_log {
	char *node_id;
	struct store *store;
	struct alerts *alerts;
	const struct cramp_log_callbacks *cb;
	void *userdata;
	struct mqtt *mqtt;
	struct mqtt_slot *command_slot; /* <base>/cramp */
	struct mqtt_slot *watch;        /* connects and acknowledgements */

	struct in_flight flight[WINDOW];
	unsigned n_flight;

	/*
	 * Cramps the broker has that the store could not mark delivered (a failing
	 * card): not sent again for it, oldest first, marked when the store can.
	 */
	char **acked;
	size_t n_acked;

	/* Cramps the store could not take, oldest first, kept until it can. */
	struct store_cramp *memory;
	size_t n_memory;

	struct cramp_tracker *tracker; /* counts and advisories */
	bool history_loaded;
	/*
	 * The tracker's count of the last 7 days is the count: the store's cramps are
	 * in it. Not while there is no store (it failed to open) or when its cramps
	 * could not be read: the count is then unknown, and the state and each
	 * cramp's event say null (COUNT_7D_UNKNOWN), never a 0 or this run's count.
	 */
	bool count_known;

	/* Suspected cramps (from movement), and which reports confirmed them. */
	struct cramp_confirm suspects;
	/* The last cramp a person reported, as received: one cramp by receipt on an unset clock. */
	struct cramp_receipt receipt;

	struct warn_limit warn;     /* about bad reports on <base>/cramp */
	struct warn_limit repeats;  /* info: reports of a cramp logged already (a stuck button) */
	struct command_guard guard; /* retained and empty ones are no reports */
};

/* An advisory fired: kept in the store (so it does not fire again after a restart), told. */
void cramp_log_advise(struct cramp_log *l, const struct cramp_advisory *a, uint64_t now_usec);

/* Sends what waits, oldest first, while the window has room. */
void cramp_log_pump(struct cramp_log *l);

/* The broker's copy of @id is outdated (an amendment): it is to be sent again. */
void cramp_log_forget_acked(struct cramp_log *l, const char *id);

/* Those the broker has and the store could not mark delivered (cramp-log-acked.c). */
bool cramp_log_acked_has(const struct cramp_log *l, const char *id);
/* The broker acknowledged @id and the store could not mark it (@error): kept, said once. */
void cramp_log_acked_add(struct cramp_log *l, const char *id, int error);
/* Marks what waits, once the store can; quiet while it still cannot. */
void cramp_log_acked_flush(struct cramp_log *l);
/* Forgets them all (a stop). */
void cramp_log_acked_clear(struct cramp_log *l);

/*
 * The logged cramp of @of_leg at @of_s happened at @to_s (a report of it with
 * a better time): moved there in the store (or in memory) and the tracker,
 * and sent again with its id and "amended": true. Returns 0 or a negative
 * errno (nothing changed then). See cramp-amend.c.
 */
int cramp_log_retime(struct cramp_log *l, int64_t of_s, enum cramp_leg of_leg, int64_t to_s);

/* A deep copy of @src into @dst. Returns 0 or -ENOMEM. */
int cramp_log_copy_cramp(struct store_cramp *dst, const struct store_cramp *src);

/*
 * A report of a cramp logged already (@dup says which, from the tracker, and
 * @confirmed the suspicion it confirmed, or NULL): what the cramp lacks is
 * filled in from @leg, @site and @note. See cramp-amend.c.
 */
int cramp_log_amend(struct cramp_log *l, const struct cramp_tracker_result *dup,
		    const char *confirmed, const char *leg, const char *site, const char *note,
		    int64_t time_s, const char *source, uint64_t now_usec);

/* cramp-log-lost.c: an error line naming cramp @c, which the store never took. */
void cramp_log_say_lost(const struct store_cramp *c);
