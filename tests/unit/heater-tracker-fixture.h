#pragma once

/*
 * What the plug tracker's tests (test-heater-tracker.c, test-heater-offline.c)
 * share: a Tasmota plug and the calls that drive it, each checking what
 * every call of its kind must give.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "actuators/heater.h"

#define SEC   1000000ULL
#define T0    (1000 * SEC)
#define GRACE HEATER_OFFLINE_GRACE_USEC

static const char *const BACKLOG_ON __attribute__((unused)) = "PulseTime1 700;Power ON";
#define UNCONFIRMED HEATER_ALERT_BIT(HEATER_ALERT_UNCONFIRMED)
#define OFFLINE     HEATER_ALERT_BIT(HEATER_ALERT_OFFLINE)

static inline struct heater *plug(void)
{
	struct heater *h = NULL;
	struct heater_params p;

	heater_params_init(&p, HEATER_TYPE_TASMOTA);
	p.topic = "plug";
	assert_int_equal(heater_new(&p, &h), 0);
	return h;
}

static inline struct heater_decision connected(struct heater *h, uint64_t now)
{
	struct heater_decision d;

	heater_connection(h, true, now, &d);
	assert_true(d.redecide);
	assert_int_equal(d.n_messages, 0);
	return d;
}

static inline struct heater_decision set(struct heater *h, bool on, uint64_t now)
{
	struct heater_decision d;

	heater_set(h, on, now, &d);
	assert_false(d.redecide);
	return d;
}

static inline struct heater_decision tick(struct heater *h, uint64_t now)
{
	struct heater_decision d;

	heater_tick(h, now, &d);
	return d;
}

static inline struct heater_decision receive(struct heater *h, const char *topic,
					     const char *payload, uint64_t now)
{
	struct heater_decision d;

	assert_int_equal(heater_receive(h, topic, payload, strlen(payload), now, &d), 0);
	return d;
}

static inline void assert_sent(const struct heater_decision *d, const char *topic,
			       const char *payload)
{
	assert_int_equal(d->n_messages, 1);
	assert_string_equal(d->messages[0].topic, topic);
	assert_string_equal(d->messages[0].payload, payload);
}

static inline void assert_on_sent(const struct heater_decision *d)
{
	assert_sent(d, "cmnd/plug/Backlog", BACKLOG_ON);
}
