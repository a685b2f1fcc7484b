#pragma once

#include <jansson.h>
#include <systemd/sd-event.h>

#include "config/config.h"
#include "daemon/alerts.h"
#include "daemon/cramp-log.h"
#include "daemon/heating.h"
#include "daemon/inputs.h"
#include "daemon/mqtt.h"
#include "daemon/reminders.h"
#include "daemon/room.h"
#include "store/store.h"

/*
 * The parts a configuration file describes: the room thermometers, the bed
 * inputs, heating and the reminders. A reload builds a whole new set from the new file beside
 * the running one, and swaps them only once all of it could be set up. The
 * parts are wired to each other here, once: heating takes the room's readings
 * and reads the bed inputs, a bedside button's cramp goes to the cramp log, and
 * the room temperature is sampled into the store for the report. Each part
 * subscribes to its own topics; nothing here routes a message.
 *
 * Adding a part that lives as long as a configuration: a field in struct parts,
 * and one line each in parts_new(), parts_start(), parts_stop(), parts_free()
 * and, if it shows in <base>/state, parts_add_state().
 */

struct parts;

/* What the parts get from the daemon; borrowed, it must outlive them. */
struct parts_env {
	sd_event *event;
	struct alerts *alerts;
	struct cramp_log *cramps; /* takes the bedside buttons' and the morning answers' cramps */
	/* Something in the state changed: re-publish <base>/state. */
	void (*changed)(void *userdata);
	void *userdata;
};

/*
 * Sets up every part of @config (borrowed: it must outlive the parts). Nothing
 * is opened, subscribed or commanded until parts_start(). Returns 0 or a
 * negative errno (logged).
 */
int parts_new(const struct parts_env *env, const struct config *config, struct parts **ret);

/* Frees the parts (stopped or not); accepts NULL; returns NULL. */
struct parts *parts_free(struct parts *p);

/*
 * Starts measuring, opens the GPIO lines, subscribes on @mqtt and lets heating
 * decide, with the settings kept in @store (may be NULL). Every part is
 * started, each on its own: one that fails does not keep the others down.
 * Returns 0 or the first negative errno (each logged).
 */
int parts_start(struct parts *p, struct mqtt *mqtt, struct store *store);

/*
 * A reload: the new parts @p take over from the running @old what did not
 * change — the thermometers' health and last values, each heater whose settings
 * are the same (its relay, its timers), the thermostat, each reminder's run —
 * so a reload does not switch a heater, forget the room, restart a minimum
 * off-time, send a reminder twice or lose a snooze; with @new_broker ("host:port",
 * the connection changed) the heaters go off first (heating_adopt()). Before
 * parts_start(p) and parts_stop(old).
 */
void parts_adopt(struct parts *p, struct parts *old, const char *new_broker);

/* Heaters off, GPIO lines released, subscriptions dropped: before the parts go. */
void parts_stop(struct parts *p);

/*
 * Heaters off and heating stopped, subscriptions kept (for a shutdown: the
 * broker's session then holds the commands sent while we are away).
 */
void parts_heaters_off(struct parts *p);

/* After parts_heaters_off(): a plug has not confirmed its OFF yet (heating_off_unconfirmed()). */
bool parts_heaters_off_unconfirmed(const struct parts *p);
/* When the wait for those is over: a warning for each still silent. */
void parts_say_heaters_off_unconfirmed(struct parts *p, const char *waited);

/* The store to use from now on (NULL: none). */
void parts_set_store(struct parts *p, struct store *store);

/* Whether a part keeps something in memory that the store failed to take (to try again). */
bool parts_store_failing(const struct parts *p);

/* Adds each part's fields to the state object @state. Returns 0 or -ENOMEM. */
int parts_add_state(struct parts *p, json_t *state);

/*
 * How long after start a part may take to raise again an alert @kind (NULL:
 * any) of @source that still holds (for the alerts a previous run left
 * active); 0 for a source no part has (a heater since removed, the store).
 */
uint64_t parts_alert_horizon_usec(const struct parts *p, const char *kind, const char *source);

/* The parts themselves, for what the cramp log's context reads; owned by @p. */
const struct room *parts_room(const struct parts *p);
const struct inputs *parts_inputs(const struct parts *p);
const struct heating *parts_heating(const struct parts *p);

/*
 * The context of a cramp at @time_s, @now being now (Unix seconds), from the
 * parts and @store (NULL: none). For one remembered later (bedroomctl
 * cramp --at 03:10 in the morning) what is true now would mislead: the room
 * temperature then comes from the store's samples, and what is not kept (in
 * bed, the heater) stays unknown.
 */
void parts_cramp_context(const struct parts *p, struct store *store, int64_t time_s, int64_t now,
			 struct cramp_context *ret);
