#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "control/cramp-tracker.h"
#include "daemon/alerts.h"
#include "daemon/mqtt.h"
#include "store/store.h"

/*
 * The cramp log: every cramp is committed to the store before anything else
 * happens, then published on <base>/event/cramp with QoS 1 and marked
 * delivered only when the broker acknowledges it. What could not be sent (the
 * broker away, a crash, a restart) goes out on reconnect, oldest first. Only a
 * small window of events is handed to libmosquitto at a time: it keeps QoS 1
 * messages in memory and re-sends them itself after a reconnect, so the outbox
 * never sends a second copy of one in flight. When the store fails, events are
 * kept in memory (and delivered from there) and store_failed is raised, until
 * they can be written.
 */

struct cramp_log;

/* What the rest of the daemon knows at the time of a cramp; NAN / -1 for unknown. */
struct cramp_context {
	double room_c;
	double min_room_c; /* the lowest in the hours before */
	int in_bed;
	int64_t in_bed_since; /* Unix seconds; 0: unknown */
	int heater_on;
	double heater_duty_1h;
	int soak_done;
};

struct cramp_log_callbacks {
	/* Fills in the context of a cramp at Unix time @time_s (now, or remembered later). */
	void (*context)(struct cramp_context *ret, int64_t time_s, void *userdata);
	/* cramps_7d or last_cramp changed: re-publish the state. */
	void (*changed)(void *userdata);
};

/*
 * @node_id and @params (de-duplication window, advisory thresholds and
 * wording) are copied; a report within @confirm_window_s of a suspected cramp
 * confirms it; @store may be NULL (events then wait in memory). The recent
 * history is read from the store, so advisories that fired before a restart
 * do not fire again, and suspected cramps can still be confirmed.
 */
int cramp_log_new(const char *node_id, const struct cramp_tracker_params *params,
		  int64_t confirm_window_s, struct store *store, struct alerts *alerts,
		  const struct cramp_log_callbacks *cb, void *userdata, struct cramp_log **ret);
struct cramp_log *cramp_log_free(struct cramp_log *l);

/*
 * A reload's settings, as cramp_log_new() takes them: the history, the suspected
 * cramps and what waits go on. Returns 0, or -EINVAL / -ENOMEM with nothing changed.
 */
int cramp_log_configure(struct cramp_log *l, const char *node_id,
			const struct cramp_tracker_params *params, int64_t confirm_window_s);

/*
 * The store to use from now on (NULL: none); events waiting in memory are
 * written to it, and what it holds undelivered (cramps salvaged from a
 * damaged store) is sent.
 */
void cramp_log_set_store(struct cramp_log *l, struct store *store);

/* True while events wait in memory because the store failed. */
bool cramp_log_store_failing(const struct cramp_log *l);

/*
 * Records a cramp at Unix time @time_s (0: now): @leg "left"/"right"/"unknown",
 * @site or NULL, @source ("button", "command", ...), @note or NULL. A second
 * report of the same cramp (same leg, within the de-duplication window) is
 * not stored again; when it brings what the cramp lacks (its leg, a site, a
 * note) it amends that cramp: filled in (never overwritten), stored, judged
 * again for the advisories, and sent again with its id and "amended": true.
 * Stores it, raises the advisories it crosses, then sends what waits. Returns
 * 0, or a negative errno when it (or an amendment) could be kept nowhere.
 *
 * @suspected (a movement pattern, not the person): stored and sent marked
 * so, but neither counted nor advised on, and not logged at all near a
 * reported cramp. A report within the confirm window of it confirms it: that
 * report is counted as usual and carries "confirms": <the suspected id>.
 */
int cramp_log_record(struct cramp_log *l, const char *leg, const char *site, int64_t time_s,
		     const char *source, bool suspected, const char *note);

/*
 * A cramp told about afterwards, at a time that is a guess (the answer to the
 * morning question "any cramps last night?"): recorded as cramp_log_record()
 * records one, stored and sent with "time_estimated": true.
 */
int cramp_log_record_estimated(struct cramp_log *l, const char *leg, int64_t time_s,
			       const char *source);

/*
 * Delivers through @mqtt from now on and takes the reports on <base>/cramp
 * there: sends what waits whenever it connects, and marks an event delivered
 * when the broker acknowledges it. Attaching to another connection (a reload
 * with another broker) forgets what the old one had in flight: it goes out
 * again on the new one. Returns 0 or a negative errno.
 */
int cramp_log_attach(struct cramp_log *l, struct mqtt *mqtt);

/* Adds "cramps_7d" and "last_cramp" to @state. */
int cramp_log_add_state(struct cramp_log *l, json_t *state);
