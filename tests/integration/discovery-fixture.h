#pragma once

/*
 * The Home Assistant discovery tests' fixture: a broker, bedroomd with one
 * heater, an outdoor thermometer and a bed mat, and a client that plays Home
 * Assistant (test-discovery.c, test-discovery-removal.c).
 */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "tests/integration/harness.h"

#define N_OBJECTS 14

/* What the test's configuration announces: component and object. */
extern const char *const objects[N_OBJECTS][2];

struct fixture {
	struct broker broker;
	struct daemon daemon;
	struct client *client;
	char node[32];
	char base[64];
	char state_topic[96];
	char config_text[2048];
};

int teardown(void **state);

/* The configuration: one heater, an outdoor thermometer, one bed mat, and @extra at the end. */
int write_config(struct fixture *f, bool heater, const char *extra);

int setup(void **state);

void start(struct fixture *f);

/* The config topic of object @i of the device of @node under @prefix. */
void config_topic_of(const char *prefix, const char *node, size_t i, char *buf, size_t size);

void config_topic(const struct fixture *f, size_t i, char *buf, size_t size);

/* Waits for the config of object @i and returns it parsed (the caller frees). */
json_t *wait_config(struct fixture *f, size_t i);

const char *str(json_t *j, const char *key);

/* Lets messages arrive for @ms; returns how many discovery configs arrived below @prefix. */
size_t count_below(struct fixture *f, const char *prefix, int ms);

/*
 * Waits until @c saw every config of the device of @node under @prefix with
 * @payload (as client_wait() takes it: "~{" announced, "" removed).
 */
void wait_device(struct client *c, const char *prefix, const char *node, const char *payload);

/*
 * What another device (ESPHome's, under the same node id) announced under
 * @prefix for @node: one with its own unique_id, one with a bedroomd-like
 * unique_id but its own device. Returns their topics in @topics.
 */
void publish_foreign(struct fixture *f, const char *prefix, const char *node, char topics[2][160]);

/*
 * Whether the broker holds (retained) a config of the device of @node under
 * @prefix, and the two of publish_foreign(), as a Home Assistant that starts
 * now would find them.
 */
void check_retained(struct fixture *f, const char *prefix, const char *node, char foreign[2][160]);

/* How many entities bedroomd said it announced (the objects above and more). */
int announced(struct fixture *f);

/*
 * Waits until the store keeps the device of @node under @prefix as the one
 * announced last (the next start has nothing to sweep).
 */
void wait_kept(struct fixture *f, const char *prefix, const char *node);

/* Stops bedroomd (SIGTERM) and waits until it is gone. */
void stop(struct fixture *f);

/* Sends SIGHUP and waits until bedroomd said it reloaded (@n times in all). */
void reload(struct fixture *f, int n);
