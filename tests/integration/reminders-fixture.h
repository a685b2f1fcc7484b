#pragma once

/*
 * What the reminders' integration tests (test-reminders-*.c) share: per test a
 * broker, the daemon and a client of it, a config with the foot soak due a few
 * seconds from now, and waits for the reminder's events, for its records in
 * the store and for a reload. Each test file holds one purpose; this file
 * holds what more than one of them uses.
 */

#include <jansson.h>
#include <stdbool.h>
#include <time.h>

#include "tests/integration/harness.h"

struct fixture {
	struct broker broker;
	struct daemon daemon;
	struct client *client;
	char node[32];
	char base[64];
	char event_topic[96];
	char answer_topic[96];
	char db[256];
	char id[128];          /* the run's id, once seen */
	bool no_store;         /* the config's state_dir cannot be opened */
	const char *state_dir; /* another state_dir than the harness's (no_store wins) */
	time_t at;             /* the reminder's time, as last written (in_s < 0 keeps it) */
};

/* cmocka's setup: a broker, a prepared daemon and a client on "bedroomd/#". 0 or -1. */
int fixture_setup(void **state);
/* cmocka's teardown: stops what fixture_setup() and the test started. Returns 0. */
int fixture_teardown(void **state);

/*
 * Writes the config: reminder @name (none when NULL) due @in_s seconds from
 * now, or at the time last written when @in_s < 0, with @extra keys for its
 * section.
 */
void fixture_configure_reminder(struct fixture *f, const char *name, int in_s, const char *extra);
/* The same for the foot soak. */
void fixture_configure(struct fixture *f, int in_s, const char *extra);
/* Starts the daemon on the written config and waits until it is online. */
void fixture_start(struct fixture *f);
/*
 * fixture_configure(), fixture_start(), then waits up to 15 s for the first
 * due and keeps its run id in f->id.
 */
void fixture_start_until_due(struct fixture *f, int in_s, const char *extra);

/*
 * Waits up to @timeout_ms for an event of @state (and @attempt, when not 0);
 * returns it as JSON (caller frees). Fails the test if none comes.
 */
json_t *fixture_wait_event(struct fixture *f, const char *state, int attempt, int timeout_ms);
/* How many events of @state (and @attempt, when not 0) arrived so far. */
int fixture_count_events(struct fixture *f, const char *state, int attempt);
/* Lets @ms go by while the client keeps reading. */
void fixture_pass(struct fixture *f, int ms);

/* How many foot soak rows of @record the store's reminder_log holds now. */
int fixture_records(struct fixture *f, const char *record);
/* Waits up to 25 s until there are @want of them; fails the test otherwise. */
void fixture_wait_records(struct fixture *f, const char *record, int want);

/* Publishes @payload as an answer to the foot soak. */
void fixture_answer(struct fixture *f, const char *payload);
/* Keeps @event's run id in f->id ... */
void fixture_remember_id(struct fixture *f, json_t *event);
/* ... and asserts that @event is of that run. */
void fixture_assert_same_id(struct fixture *f, json_t *event);

/* SIGHUP; returns once the daemon logged one more "reloaded" (fails after 10 s). */
void fixture_reload(struct fixture *f);
