/* Desired against confirmed state of one heater; see heater.h for the rules. */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>

#include "actuators/heater-internal.h"

int heater_new(const struct heater_params *p, struct heater **ret)
{
	struct heater *h;
	int r;

	assert(p);
	assert(ret);
	if (p->confirm_timeout_usec == 0)
		return -EINVAL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	r = heater_preset_new(p, &h->preset);
	if (r < 0) {
		free(h);
		return r;
	}
	h->p = *p;
	*ret = h;
	return 0;
}

struct heater *heater_free(struct heater *h)
{
	if (!h)
		return NULL;
	heater_messages_clear(&h->outbox);
	heater_preset_free(h->preset);
	free(h->said_topic);
	free(h->said);
	free(h);
	return NULL;
}

unsigned heater_n_subscriptions(const struct heater *h)
{
	assert(h);
	return heater_preset_n_subscriptions(h->preset);
}

const char *heater_subscription(const struct heater *h, unsigned i)
{
	assert(h);
	return heater_preset_subscription(h->preset, i);
}

const struct heater_preset *heater_preset(const struct heater *h)
{
	assert(h);
	return h->preset;
}

static unsigned alerts(const struct heater *h)
{
	unsigned a = 0;

	if (h->unconfirmed)
		a |= HEATER_ALERT_BIT(HEATER_ALERT_UNCONFIRMED);
	if (h->offline_alert)
		a |= HEATER_ALERT_BIT(HEATER_ALERT_OFFLINE);
	return a;
}

static enum heater_state state(const struct heater *h)
{
	if (h->availability == HEATER_AVAILABILITY_OFFLINE)
		return HEATER_STATE_OFFLINE;
	if (h->unconfirmed)
		return HEATER_STATE_UNCONFIRMED;
	if (h->no_power)
		return HEATER_STATE_NO_POWER;
	/* A re-send of what the plug confirmed (the dead-man's keep-alive) changes nothing. */
	if (h->pending && h->confirmed != h->desired)
		return HEATER_STATE_PENDING;
	switch (h->confirmed) {
	case HEATER_RELAY_ON:
		return HEATER_STATE_ON;
	case HEATER_RELAY_OFF:
		return HEATER_STATE_OFF;
	case HEATER_RELAY_UNKNOWN:
		break;
	}
	return HEATER_STATE_UNKNOWN;
}

/* Puts the command for the desired state in the outbox; out of memory, nothing. */
static void queue_command(struct heater *h, uint64_t now_usec)
{
	struct heater_messages m = { 0 };
	bool on = h->desired == HEATER_RELAY_ON;

	if (heater_preset_command(h->preset, on, h->p.auto_off_usec, &m) == 0) {
		for (unsigned i = 0; i < m.n && h->outbox.n < HEATER_MESSAGES_MAX; i++) {
			h->outbox.m[h->outbox.n++] = m.m[i];
			m.m[i] = (struct heater_message){ 0 };
		}
		heater_messages_clear(&m);
	}
	heater_told(h, on, now_usec);
	if (on)
		h->on_usec = now_usec;
}

/*
 * Sends the desired state. A fresh command starts counting attempts; while
 * heater_unconfirmed is active the count stays exhausted, so one more silence
 * does not escalate again. A failed build still counts as sent: the
 * confirmation timeout retries it.
 */
static void send_command(struct heater *h, bool fresh, uint64_t now_usec)
{
	queue_command(h, now_usec);
	if (fresh || !h->pending)
		h->attempts = h->unconfirmed ? h->p.retries + 1 : 1;
	h->pending = true;
	h->sent_usec = now_usec;
}

/*
 * The keep-alive: ON again. While a command waits for its answer it is sent
 * but neither restarts the wait nor the count, or a keep-alive due more often
 * than confirm_timeout would keep a dead plug from ever being unconfirmed.
 */
static void send_keep_alive(struct heater *h, uint64_t now_usec)
{
	if (h->pending)
		queue_command(h, now_usec);
	else
		send_command(h, false, now_usec);
}

/*
 * The plug said the opposite of what it is told, since it was told: a relay
 * state (not a word that is neither, nor nothing since the broker came back,
 * nor an echo of the command it was told before).
 */
static bool contradicts(const struct heater *h)
{
	return h->reported && !h->echoed && h->desired != HEATER_RELAY_UNKNOWN &&
	       h->confirmed != HEATER_RELAY_UNKNOWN && h->confirmed != h->desired &&
	       h->report_usec >= h->desired_usec;
}

/* Timers, and the next time they need looking at. */
static uint64_t evaluate(struct heater *h, uint64_t now_usec)
{
	uint64_t next;
	unsigned sends = h->outbox.n;
	bool on = h->desired == HEATER_RELAY_ON && h->confirmed == HEATER_RELAY_ON;

	heater_offline_alert(h);
	next = heater_offline_alert_due(h);
	h->no_power = on && h->power_known && h->low &&
		      heater_usec_since(now_usec, h->low_usec) >= h->p.no_power_usec;
	if (on && h->power_known && h->low && !h->no_power)
		next = heater_usec_min(next, heater_usec_add(h->low_usec, h->p.no_power_usec));
	next = heater_usec_min(next, heater_hold_end(h, now_usec));
	if (!heater_may_send(h))
		return next;
	if (h->pending && heater_usec_since(now_usec, h->sent_usec) >= h->p.confirm_timeout_usec) {
		if (h->attempts <= h->p.retries) {
			send_command(h, false, now_usec);
			h->attempts++;
		} else {
			h->pending = false;
			h->unconfirmed = true;
		}
	} else if (!h->pending && h->unconfirmed && !heater_holding(h) &&
		   heater_usec_since(now_usec, h->sent_usec) >= heater_retry_interval(h))
		send_command(h, false, now_usec);
	if (heater_keeps_alive(h) && h->outbox.n == sends &&
	    heater_usec_since(now_usec, h->on_usec) >= h->p.auto_off_usec / 2)
		send_keep_alive(h, now_usec);

	if (h->pending)
		next =
		    heater_usec_min(next, heater_usec_add(h->sent_usec, h->p.confirm_timeout_usec));
	else if (h->unconfirmed && !heater_holding(h))
		next =
		    heater_usec_min(next, heater_usec_add(h->sent_usec, heater_retry_interval(h)));
	if (heater_keeps_alive(h))
		next = heater_usec_min(next, heater_usec_add(h->on_usec, h->p.auto_off_usec / 2));
	return next;
}

static void begin(struct heater *h, uint64_t now_usec)
{
	heater_messages_clear(&h->outbox);
	heater_bucket_update(h, now_usec);
	h->alerts_before = alerts(h);
	h->offline_before = h->availability == HEATER_AVAILABILITY_OFFLINE;
	h->event = HEATER_EVENT_NONE;
	h->word_now = false;
	h->word_news = false;
}

static void finish(struct heater *h, uint64_t now_usec, bool redecide, struct heater_decision *ret)
{
	uint64_t next = evaluate(h, now_usec);
	unsigned a = alerts(h);
	bool offline = h->availability == HEATER_AVAILABILITY_OFFLINE;

	*ret = (struct heater_decision){
		.messages = h->outbox.m,
		.n_messages = h->outbox.n,
		.next_wakeup_usec = next,
		/* Offline (before its alert, too) or unconfirmed, or back: the stages are
		 * counted anew. */
		.redecide = redecide || a != h->alerts_before || offline != h->offline_before,
		.alerts_raised = a & ~h->alerts_before,
		.alerts_cleared = h->alerts_before & ~a,
		.alerts_active = a,
		.state = state(h),
		.resend_in_usec = HEATER_NO_WAKEUP,
	};
	if (h->word_now) {
		ret->word = h->word;
		ret->word_news = h->word_news;
		ret->resend_in_usec = heater_resend_in(h, now_usec);
	}
	switch (h->event) {
	case HEATER_EVENT_NONE:
		break;
	case HEATER_EVENT_SWITCHED:
	case HEATER_EVENT_CONTRADICTS:
		/* A heater_unconfirmed raised now says in its own line what the plug said. */
		if (!(ret->alerts_raised & HEATER_ALERT_BIT(HEATER_ALERT_UNCONFIRMED))) {
			ret->event = h->event;
			ret->resend_in_usec = heater_resend_in(h, now_usec);
		}
		break;
	case HEATER_EVENT_OFFLINE:
	case HEATER_EVENT_ONLINE:
		ret->event = h->event;
		next = heater_offline_alert_due(h);
		ret->alert_in_usec =
		    next == HEATER_NO_WAKEUP ? 0 : heater_usec_since(next, now_usec);
		break;
	}
}

void heater_set(struct heater *h, bool on, uint64_t now_usec, struct heater_decision *ret)
{
	enum heater_relay want = on ? HEATER_RELAY_ON : HEATER_RELAY_OFF;

	assert(h);
	assert(ret);
	begin(h, now_usec);
	if (want != h->desired || h->force_send) {
		if (want != h->desired)
			h->desired_usec = now_usec;
		h->desired = want;
		h->force_send = false;
		if (heater_reachable(h)) {
			send_command(h, true, now_usec);
		} else if (h->connected && want == HEATER_RELAY_OFF) {
			/*
			 * Offline is what the plug's last will or its bridge says, not
			 * that it cannot hear: a zigbee2mqtt plug marked offline after
			 * one missed ping, a Tasmota in a Wi-Fi blip may take it. OFF
			 * goes out once and waits for nothing: no retry, no alert;
			 * back online, it goes out again as every wish does.
			 */
			queue_command(h, now_usec);
			h->sent_usec = now_usec;
		}
	}
	finish(h, now_usec, false, ret);
}

/* What a report of @relay says that no command asked for; before relay_report() takes it. */
static enum heater_event relay_event(const struct heater *h, enum heater_relay relay,
				     uint64_t now_usec)
{
	if (h->returned || h->desired == HEATER_RELAY_UNKNOWN || relay == h->desired ||
	    heater_echo(h, relay, now_usec))
		return HEATER_EVENT_NONE;
	if (h->unconfirmed) /* news only when it did not say so already */
		return contradicts(h) ? HEATER_EVENT_NONE : HEATER_EVENT_CONTRADICTS;
	/* A command not confirmed yet: the plug may not have taken it yet. */
	return h->confirmed == h->desired ? HEATER_EVENT_SWITCHED : HEATER_EVENT_NONE;
}

static void relay_report(struct heater *h, enum heater_relay relay, uint64_t now_usec)
{
	enum heater_event e = relay_event(h, relay, now_usec);

	h->returned = false;
	if (e != HEATER_EVENT_NONE) /* over the plug's availability, were both in one message */
		h->event = e;
	if (relay != h->confirmed) {
		h->power_known = false;
		h->low = false;
	}
	heater_relay_heard(h, relay, now_usec);
	h->confirmed = relay;
	h->reported = true;
	h->report_usec = now_usec;
	h->word.kind = HEATER_WORD_NONE; /* a word said next is news again */
	if (h->desired == HEATER_RELAY_UNKNOWN)
		return;
	if (relay == h->desired) {
		h->pending = false;
		h->attempts = 0;
		heater_confirms(h, now_usec);
	} else if (!h->pending && heater_may_send(h)) {
		/* Drift: re-send, but not faster than a confirmation may take. */
		if (heater_usec_since(now_usec, h->sent_usec) >= h->p.confirm_timeout_usec)
			send_command(h, true, now_usec);
		else
			h->pending = true;
	}
}

static void power_report(struct heater *h, double power_w, uint64_t now_usec)
{
	bool low = power_w < h->p.min_power_w;

	h->power_known = true;
	h->power_w = power_w;
	if (h->confirmed != HEATER_RELAY_ON || !low)
		h->low = false;
	else if (!h->low) {
		h->low = true;
		h->low_usec = now_usec;
	}
}

int heater_receive(struct heater *h, const char *topic, const void *data, size_t len,
		   uint64_t now_usec, struct heater_decision *ret)
{
	struct heater_update u;
	int r;

	assert(h);
	assert(ret);
	r = heater_preset_parse(h->preset, topic, data, len, &u);
	if (r < 0)
		return r;
	begin(h, now_usec);
	if (u.availability != HEATER_AVAILABILITY_UNKNOWN) {
		bool back = h->availability == HEATER_AVAILABILITY_OFFLINE &&
			    u.availability == HEATER_AVAILABILITY_ONLINE;

		if (u.availability == HEATER_AVAILABILITY_OFFLINE) {
			heater_keep_said(h, topic, data, len);
			if (h->availability != HEATER_AVAILABILITY_OFFLINE)
				h->event = HEATER_EVENT_OFFLINE;
			h->pending = false;
		} else if (back) {
			h->event = HEATER_EVENT_ONLINE;
			/*
			 * Back from offline, perhaps from a power cut: its relay as it
			 * came up (PowerOnState) is no switch by something else, and the
			 * command sent below is what it is told now.
			 */
			h->confirmed = HEATER_RELAY_UNKNOWN;
			h->returned = true;
			h->power_known = false;
			h->low = false;
		}
		h->availability = u.availability;
		if (back && heater_may_send(h))
			send_command(h, true, now_usec);
	}
	if (u.relay != HEATER_RELAY_UNKNOWN)
		relay_report(h, u.relay, now_usec);
	if (u.word.kind != HEATER_WORD_NONE)
		heater_word_report(h, &u.word, now_usec);
	if (u.power_known)
		power_report(h, u.power_w, now_usec);
	if (u.energy_known) {
		h->energy_known = true;
		h->energy_kwh = u.energy_kwh;
	}
	finish(h, now_usec, false, ret);
	return 0;
}

void heater_tick(struct heater *h, uint64_t now_usec, struct heater_decision *ret)
{
	assert(h);
	assert(ret);
	begin(h, now_usec);
	finish(h, now_usec, false, ret);
}

void heater_connection(struct heater *h, bool connected, uint64_t now_usec,
		       struct heater_decision *ret)
{
	assert(h);
	assert(ret);
	begin(h, now_usec);
	h->connected = connected;
	h->pending = false;
	h->force_send = connected;
	if (!connected) {
		/* What the plug said may change unheard while we are away: its word too. */
		h->confirmed = HEATER_RELAY_UNKNOWN;
		h->word.kind = HEATER_WORD_NONE;
		h->power_known = false;
		h->low = false;
	}
	finish(h, now_usec, connected, ret);
}

void heater_get_status(const struct heater *h, struct heater_status *ret)
{
	assert(h);
	assert(ret);
	*ret = (struct heater_status){
		.desired = h->desired,
		.confirmed = h->confirmed,
		.availability = h->availability,
		.power_known = h->power_known,
		.power_w = h->power_w,
		.energy_known = h->energy_known,
		.energy_kwh = h->energy_kwh,
		.no_power = h->no_power,
		.contradicts = contradicts(h),
		.state = state(h),
		.alerts_active = alerts(h),
	};
}

const struct heater_word *heater_last_word(const struct heater *h)
{
	assert(h);
	return h->word.kind == HEATER_WORD_NONE ? NULL : &h->word;
}
