#pragma once

/*
 * What the cramp log's tests (test-cramp-log.c: durable and delivered;
 * test-cramp-detail.c: repeats, amendments, advisories, a cramp's context)
 * share: per test a broker, the daemon on it with its store, and a client on
 * bedroomd/#.
 */

#include <stdint.h>

#include "tests/integration/harness.h"

struct fixture {
	struct broker broker;
	struct daemon daemon;
	struct client *client;
	char base[64];
	char command_topic[96];
	char event_topic[96];
	char db[256];
};

/* cmocka's setup and teardown: the broker, a prepared daemon, the client. */
int cramp_setup(void **state);
int cramp_teardown(void **state);
/* Starts the daemon and waits until it is online. */
void start(struct fixture *f);
/* Counts rows of the store's cramps, read-only beside the running daemon; -1 if it cannot. */
int count_rows(struct fixture *f, const char *where);
/* Waits up to 15 s for @want rows where @where. */
void wait_rows(struct fixture *f, const char *where, int want);
/* A report at @ago_s seconds before now, with @leg and @site. */
void report_at(struct fixture *f, int64_t ago_s, const char *leg, const char *site);
/* How many events on @topic so far carry @needle. */
int count_events(struct fixture *f, const char *topic, const char *needle);
