/*
 * A Shelly Gen2 plug with the device's default MQTT settings, through the plug
 * tracker: RPC notifications on, "Generic status update over MQTT" off, so
 * NotifyStatus says only what changed and a Switch.Set that changes nothing
 * is answered by the device's reply to the request alone. A keep-alive to a
 * plug already on, an OFF at the start to one already off: confirmed, no
 * heater_unconfirmed; a plug that does not answer still raises it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/heater-tracker-fixture.h"

#define PREFIX "shellyplusplugs-aabbcc"
#define EVENTS PREFIX "/events/rpc"

/* What a default Shelly knows of itself. */
struct device {
	bool on;
};

static struct heater *shelly_heater(void)
{
	struct heater_params p;
	struct heater *h = NULL;

	heater_params_init(&p, HEATER_TYPE_SHELLY);
	p.topic = PREFIX;
	p.client_id = "bedroomd-rs";
	assert_int_equal(heater_new(&p, &h), 0);
	return h;
}

/* The request in @d: its id, its "src", what it switches to. */
static void request(const struct heater_decision *d, long *id, char *src, size_t size, bool *on)
{
	const char *p, *end;

	assert_int_equal(d->n_messages, 1);
	assert_string_equal(d->messages[0].topic, PREFIX "/rpc");
	p = d->messages[0].payload;
	assert_int_equal(sscanf(p, "{\"id\":%ld,", id), 1);
	p = strstr(p, "\"src\":\"");
	assert_non_null(p);
	p += strlen("\"src\":\"");
	end = strchr(p, '"');
	assert_non_null(end);
	assert_true((size_t) (end - p) < size);
	memcpy(src, p, (size_t) (end - p));
	src[end - p] = '\0';
	*on = strstr(d->messages[0].payload, "\"on\":true") != NULL;
}

/*
 * The device takes the request in @d as a default Shelly does: the reply on
 * <src>/rpc, a NotifyStatus with what changed (the output only if it did).
 * Returns what heater_receive() said of the reply; the decision in *@ret.
 */
static int answer(struct heater *h, struct device *dev, const struct heater_decision *d,
		  uint64_t now, struct heater_decision *ret)
{
	char src[128], topic[160], reply[256], ntf[256];
	bool was = dev->on, on;
	long id;
	int r;

	request(d, &id, src, sizeof(src), &on);
	dev->on = on;
	snprintf(topic, sizeof(topic), "%s/rpc", src);
	snprintf(reply, sizeof(reply),
		 "{\"id\":%ld,\"src\":\"" PREFIX "\",\"dst\":\"%s\",\"result\":{\"was_on\":%s}}",
		 id, src, was ? "true" : "false");
	r = heater_receive(h, topic, reply, strlen(reply), now, ret);
	if (was != on)
		snprintf(ntf, sizeof(ntf),
			 "{\"src\":\"" PREFIX "\",\"dst\":\"" PREFIX "/events\",\"method\":"
			 "\"NotifyStatus\",\"params\":{\"ts\":1.5,\"switch:0\":{\"id\":0,"
			 "\"output\":%s,\"source\":\"MQTT\"}}}",
			 on ? "true" : "false");
	else if (on)
		snprintf(ntf, sizeof(ntf),
			 "{\"src\":\"" PREFIX "\",\"dst\":\"" PREFIX "/events\",\"method\":"
			 "\"NotifyStatus\",\"params\":{\"ts\":1.5,\"switch:0\":{\"id\":0,"
			 "\"timer_started_at\":1.5,\"timer_duration\":600}}}");
	else
		return r; /* nothing changed: no notification at all */
	*ret = receive(h, EVENTS, ntf, now);
	return r;
}

/*
 * The daemon's timer from @from to @to, a tick a second: what it raised on the
 * way, and the last decision in *@ret.
 */
static unsigned run(struct heater *h, uint64_t from, uint64_t to, struct heater_decision *ret)
{
	unsigned raised = 0;

	for (uint64_t t = from; t <= to; t += SEC) {
		*ret = tick(h, t);
		raised |= ret->alerts_raised;
	}
	return raised;
}

/* Heating: ON, then the keep-alive at half the auto-off to a plug that is on. */
static void test_keep_alive_to_a_plug_already_on(void **state)
{
	struct heater *h = shelly_heater();
	struct device dev = { .on = false };
	struct heater_decision d, a;
	uint64_t t = T0;
	int r[5];

	connected(h, t);
	d = set(h, true, t);
	r[0] = answer(h, &dev, &d, t + SEC / 10, &a);
	assert_int_equal(a.state, HEATER_STATE_ON); /* its NotifyStatus said output:true */
	for (int i = 1; i <= 4; i++) {
		uint64_t at = t + (uint64_t) i * 300 * SEC;

		assert_int_equal(run(h, at - 299 * SEC, at - SEC, &d), 0);
		d = tick(h, at);
		assert_int_equal(d.n_messages, 1); /* the keep-alive */
		r[i] = answer(h, &dev, &d, at + SEC / 10, &a);
		/* Long past every retry of a command nobody confirmed. */
		assert_int_equal(run(h, at + SEC, at + 60 * SEC, &d), 0);
		assert_int_equal(d.alerts_active, 0);
		assert_int_equal(d.state, HEATER_STATE_ON);
	}
	for (int i = 0; i <= 4; i++)
		assert_int_equal(r[i], 0);
	heater_free(h);
}

/* A daytime start (or a reconnect, a reload): the forced OFF to a plug that is off. */
static void test_start_with_the_plug_already_off(void **state)
{
	struct heater *h = shelly_heater();
	struct device dev = { .on = false };
	struct heater_decision d, a;
	int r[2];

	connected(h, T0);
	d = set(h, false, T0);
	r[0] = answer(h, &dev, &d, T0 + SEC / 10, &a);
	assert_int_equal(run(h, T0 + SEC, T0 + 120 * SEC, &d), 0);
	assert_int_equal(d.alerts_active, 0);
	assert_int_equal(d.state, HEATER_STATE_OFF);
	/* The broker comes back: the same OFF again, confirmed the same way. */
	heater_connection(h, false, T0 + 200 * SEC, &d);
	connected(h, T0 + 210 * SEC);
	d = set(h, false, T0 + 210 * SEC);
	r[1] = answer(h, &dev, &d, T0 + 210 * SEC, &a);
	assert_int_equal(run(h, T0 + 211 * SEC, T0 + 330 * SEC, &d), 0);
	assert_int_equal(d.alerts_active, 0);
	assert_int_equal(d.state, HEATER_STATE_OFF);
	assert_int_equal(r[0], 0);
	assert_int_equal(r[1], 0);
	heater_free(h);
}

/* A plug that does not answer at all is still heater_unconfirmed, named by its reply topic. */
static void test_silent_plug_is_unconfirmed(void **state)
{
	struct heater *h = shelly_heater();
	struct heater_decision d;

	connected(h, T0);
	d = set(h, true, T0);
	assert_int_equal(d.n_messages, 1);
	d = tick(h, T0 + 15 * SEC);
	assert_int_equal(d.n_messages, 1);
	d = tick(h, T0 + 30 * SEC);
	assert_int_equal(d.n_messages, 1);
	d = tick(h, T0 + 45 * SEC);
	assert_int_equal(d.alerts_raised, UNCONFIRMED);
	assert_int_equal(d.state, HEATER_STATE_UNCONFIRMED);
	/* The journal names the first subscription: where the answer was due. */
	assert_string_equal(heater_subscription(h, 0), "bedroomd-rs/" PREFIX "/switch0/rpc");
	heater_free(h);
}

/*
 * Replies to older requests say nothing; a refusal is no confirmation (the
 * retries, then the alert) and goes up as the decision's word, news once per
 * cause (not at each retry: the keep-alives of a plug that refuses them all);
 * the next request's reply ends the alert, and a refusal after it is news again.
 */
static void test_old_and_refused_replies(void **state)
{
	const char *t = "bedroomd-rs/" PREFIX "/switch0/rpc";
	const char *refused = "{\"id\":3,\"src\":\"" PREFIX "\",\"error\":{\"code\":-103,"
			      "\"message\":\"Invalid argument\"}}";
	struct heater *h = shelly_heater();
	struct heater_decision d;

	connected(h, T0);
	d = set(h, true, T0);        /* 1 */
	d = set(h, false, T0 + SEC); /* 2 */
	/* The ON's reply, late: not the OFF's confirmation. */
	d = receive(h, t, "{\"id\":1,\"result\":{\"was_on\":false}}", T0 + 2 * SEC);
	assert_int_equal(d.state, HEATER_STATE_PENDING);
	d = tick(h, T0 + 16 * SEC); /* 3: the retry */
	assert_int_equal(d.n_messages, 1);
	assert_non_null(strstr(d.messages[0].payload, "\"id\":3,"));
	d = receive(h, t, "{\"id\":2,\"result\":{\"was_on\":true}}", T0 + 17 * SEC);
	assert_int_equal(d.state, HEATER_STATE_PENDING);
	d = receive(h, t, refused, T0 + 17 * SEC);
	assert_int_equal(d.word.kind, HEATER_WORD_ERROR);
	assert_true(d.word_news);
	assert_int_equal(d.word.code, -103);
	assert_memory_equal(d.word.text, "Invalid argument", d.word.len);
	assert_int_equal(d.n_messages, 0);
	assert_int_equal(d.alerts_raised, 0);
	assert_int_equal(d.state, HEATER_STATE_PENDING);
	/* The retry goes out when it was due, not sooner. */
	assert_int_equal(d.resend_in_usec, 14 * SEC);
	assert_non_null(heater_last_word(h));
	d = tick(h, T0 + 31 * SEC); /* 4 */
	assert_non_null(strstr(d.messages[0].payload, "\"id\":4,"));
	/* The same refusal to the retry: the same cause, no news. */
	d = receive(h, t,
		    "{\"id\":4,\"src\":\"" PREFIX "\",\"error\":{\"code\":-103,"
		    "\"message\":\"Invalid argument\"}}",
		    T0 + 32 * SEC);
	assert_int_equal(d.word.kind, HEATER_WORD_ERROR);
	assert_false(d.word_news);
	d = tick(h, T0 + 46 * SEC);
	assert_int_equal(d.alerts_raised, UNCONFIRMED);
	assert_int_equal(d.word.kind, HEATER_WORD_NONE); /* a tick says no word */
	assert_non_null(heater_last_word(h));            /* but the alert has it */
	d = tick(h, T0 + 106 * SEC);                     /* 5: the slow retry while unconfirmed */
	assert_int_equal(d.n_messages, 1);
	assert_non_null(strstr(d.messages[0].payload, "\"id\":5,"));
	d = receive(h, t, "{\"id\":5,\"result\":{\"was_on\":false}}", T0 + 107 * SEC);
	assert_int_equal(d.alerts_cleared, UNCONFIRMED);
	assert_int_equal(d.state, HEATER_STATE_OFF);
	assert_null(heater_last_word(h));
	/* Confirmed since: the same refusal again is news. */
	d = set(h, true, T0 + 200 * SEC); /* 6 */
	d = receive(h, t,
		    "{\"id\":6,\"src\":\"" PREFIX "\",\"error\":{\"code\":-103,"
		    "\"message\":\"Invalid argument\"}}",
		    T0 + 201 * SEC);
	assert_true(d.word_news);
	/* Another cause is news too. */
	d = receive(h, t,
		    "{\"id\":6,\"src\":\"" PREFIX "\",\"error\":{\"code\":-108,"
		    "\"message\":\"Device busy\"}}",
		    T0 + 202 * SEC);
	assert_true(d.word_news);
	assert_int_equal(d.word.code, -108);
	heater_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keep_alive_to_a_plug_already_on),
		cmocka_unit_test(test_start_with_the_plug_already_off),
		cmocka_unit_test(test_silent_plug_is_unconfirmed),
		cmocka_unit_test(test_old_and_refused_replies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
