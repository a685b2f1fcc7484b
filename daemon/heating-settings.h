#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <systemd/sd-event.h>

#include "config/config.h"
#include "control/command.h"
#include "daemon/warn-limit.h"
#include "store/store.h"

/*
 * What the person sets for heating: the floor and the mode, from
 * <base>/set/floor and <base>/set/mode, kept in the store so they survive a
 * restart. Heating holds one and asks it; this file knows nothing of heating.
 */

struct heating_settings {
	const struct config_heating *config; /* borrowed */
	struct store *store;                 /* NULL: not kept */
	double floor_c;
	enum command_mode mode;
	unsigned long long max_age_usec; /* [mqtt] command_max_age: older commands are ignored */
	/* Those a store kept were taken (heating_settings_load() with one): none yet is false. */
	bool loaded;
	/* The store holds floor_c / mode: the same value again is not written again. */
	bool floor_kept, mode_kept;
	/*
	 * A change waits this long for the next, then all are written at once: a burst
	 * of commands is one transaction (one fdatasync), not one each. On the loop
	 * given by heating_settings_watch(); without one, written at once.
	 */
	bool floor_pending, mode_pending;
	/* The last write failed (a full disk): they stay pending, written once the store works. */
	bool keep_failing;
	void (*failed)(void *userdata); /* told when a write fails, to try again later */
	void *userdata;
	sd_event *event;
	sd_event_source *keep_timer;
	/* About bad payloads on each; heating gives them the loop (heating_settings_watch()). */
	struct warn_limit warn_floor, warn_mode;
	struct warn_limit info_floor, info_mode; /* valid changes: an automation's loop */
};

/* The configured floor and mode; nothing kept yet. */
void heating_settings_init(struct heating_settings *s, const struct config_heating *config);

/*
 * Summaries of held-back warnings on time, and the writes a burst waits for,
 * from @event's timers; @failed(@userdata) when the store refuses a write (may be
 * NULL). _done drops them.
 */
void heating_settings_watch(struct heating_settings *s, sd_event *event,
			    void (*failed)(void *userdata), void *userdata);
void heating_settings_done(struct heating_settings *s);

/*
 * Takes the floor and mode kept in @store (NULL: none) and keeps changes there
 * from now on. A file's value edited since one was kept wins over it, as does
 * a change still waiting to be written (made while there was no store).
 */
void heating_settings_load(struct heating_settings *s, struct store *store);

/*
 * A set/floor or set/mode payload: a malformed or out-of-range one, or one
 * whose own "time" is older than max_age_usec, is logged (rate-limited: a
 * flood is summed up) and changes nothing. The same value as the one in force
 * changes nothing and is not written to the store again (an SD card wears out
 * under a flood of identical settings). Returns true when the setting changed.
 */
bool heating_settings_set_floor(struct heating_settings *s, const void *payload, size_t len);
bool heating_settings_set_mode(struct heating_settings *s, const void *payload, size_t len);

/*
 * Writes the changes still waiting (a shutdown, a reload, the store back) now.
 * What the store refuses stays waiting, said once.
 */
void heating_settings_flush(struct heating_settings *s);

/* Another store (a damaged file replaced): what the old one held is to be written again. */
void heating_settings_rekeep(struct heating_settings *s);

/* An open store refused the last write: the caller tries the flush again later. */
bool heating_settings_failing(const struct heating_settings *s);
