/* Desired against confirmed state of one heater; see heater.h for the rules. */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "actuators/heater-defaults.h"
#include "actuators/heater.h"

struct heater {
	struct heater_preset *preset;
	struct heater_params p; /* numbers only: the strings belong to the caller */
	struct heater_messages outbox;
	unsigned alerts_before;  /* at the start of the current call */
	enum heater_event event; /* of the current call */

	bool connected;
	bool force_send; /* the next heater_set() sends even without a change */
	enum heater_relay desired, confirmed;
	enum heater_availability availability;
	bool offline_before; /* at the start of the current call */

	/* heater_offline's bucket (see heater.h): offline time less online time, up to now. */
	uint64_t bucket_usec, bucket_at_usec;
	bool offline_alert;
	char *said_topic; /* what made it offline, for the journal */
	char *said;
	size_t said_len;

	bool pending;       /* a command waits for its confirmation */
	unsigned attempts;  /* sends of the current command */
	uint64_t sent_usec; /* last send */
	uint64_t on_usec;   /* last ON sent: keep-alive */
	bool unconfirmed;   /* alert */
	/*
	 * When each state was last sent ([on]), if ever: the plug's answer to one
	 * since superseded may come after the next went out (an echo).
	 */
	uint64_t told_usec[2];
	bool told[2];
	/* When the relay was last wanted otherwise, and last reported: did it answer "no"? */
	uint64_t desired_usec, report_usec;
	bool reported;
	bool echoed; /* the last relay report was an echo: not said against the command */
	/* The plug's last word not taken, until it says a relay state; said in this call. */
	struct heater_word word;
	bool word_now, word_news;
	/*
	 * Trips (state words) in a row, and since when the plug holds what it is
	 * told after the last (0: it does not): the slow retry backs off, and the
	 * alert waits for a hold rather than ending at each brief "on".
	 */
	unsigned trips;
	uint64_t held_usec;
	bool sent_since_word; /* a command went out after the last word: the next is a trip */

	bool power_known; /* a report since the relay last changed */
	double power_w;
	bool energy_known;
	double energy_kwh;
	bool low;          /* the last power report while on was below min_power_w */
	uint64_t low_usec; /* since then */
	bool no_power;
};

/* @a - @b, or 0 when @b is later: time never runs backwards here. */
static uint64_t since(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

static uint64_t add(uint64_t a, uint64_t b)
{
	return a > HEATER_NO_WAKEUP - b ? HEATER_NO_WAKEUP : a + b;
}

static uint64_t min_usec(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

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

/* The broker is there and the plug not known to be offline. */
static bool reachable(const struct heater *h)
{
	return h->connected && h->availability != HEATER_AVAILABILITY_OFFLINE;
}

/* Fills or empties the bucket up to @now_usec; it stands still while the broker is away. */
static void bucket_update(struct heater *h, uint64_t now_usec)
{
	uint64_t dt = since(now_usec, h->bucket_at_usec);

	if (h->connected && h->availability == HEATER_AVAILABILITY_OFFLINE)
		h->bucket_usec = min_usec(add(h->bucket_usec, dt), HEATER_OFFLINE_GRACE_USEC);
	else if (h->connected)
		h->bucket_usec -= min_usec(dt, h->bucket_usec);
	h->bucket_at_usec = now_usec;
}

/* heater_offline by the bucket, after bucket_update(): raised when full, cleared when empty. */
static void offline_alert(struct heater *h)
{
	bool offline = h->availability == HEATER_AVAILABILITY_OFFLINE;

	if (!h->connected)
		return;
	if (offline && h->bucket_usec >= HEATER_OFFLINE_GRACE_USEC)
		h->offline_alert = true;
	else if (!offline && h->bucket_usec == 0)
		h->offline_alert = false;
}

/* When heater_offline is raised or cleared, unless the plug changes first. */
static uint64_t offline_alert_due(const struct heater *h)
{
	bool offline = h->availability == HEATER_AVAILABILITY_OFFLINE;

	if (!h->connected)
		return HEATER_NO_WAKEUP;
	if (offline && !h->offline_alert)
		return add(h->bucket_at_usec, HEATER_OFFLINE_GRACE_USEC - h->bucket_usec);
	if (!offline && h->offline_alert)
		return add(h->bucket_at_usec, h->bucket_usec);
	return HEATER_NO_WAKEUP;
}

/* ... and there is a decision made since the broker came back. */
static bool may_send(const struct heater *h)
{
	return reachable(h) && h->desired != HEATER_RELAY_UNKNOWN && !h->force_send;
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
	h->sent_since_word = true;
	if (on)
		h->on_usec = now_usec;
	h->told[on] = true;
	h->told_usec[on] = now_usec;
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

/*
 * In how long the desired state goes out again by itself, after evaluate():
 * a retry, a slow retry while unconfirmed (a pending command without retries
 * left ends in it), or the keep-alive.
 */
/*
 * The slow retry's interval: unconfirmed_retry, doubled at each trip after
 * the first up to HEATER_TRIP_RETRY_MAX_USEC, so a heater that trips its plug
 * at each ON is not switched on every minute all night.
 */
static uint64_t retry_interval(const struct heater *h)
{
	uint64_t usec = h->p.unconfirmed_retry_usec;

	for (unsigned i = 1; i < h->trips && usec < HEATER_TRIP_RETRY_MAX_USEC; i++)
		usec = min_usec(usec * 2, HEATER_TRIP_RETRY_MAX_USEC);
	return usec;
}

/* Unconfirmed, but the plug now holds what it is told: the alert waits out the hold. */
static bool holding(const struct heater *h)
{
	return h->unconfirmed && h->held_usec > 0 && h->confirmed == h->desired;
}

/* Its protection tripped and it has not held what it is told since: no keep-alive either. */
static bool tripped(const struct heater *h)
{
	return h->unconfirmed && h->trips > 0 && !holding(h);
}

/* Keep-alives are due: on, with an auto-off, and not a plug that trips at each ON. */
static bool keeps_alive(const struct heater *h)
{
	return h->desired == HEATER_RELAY_ON && h->p.auto_off_usec > 0 && !tripped(h);
}

static uint64_t resend_in(const struct heater *h, uint64_t now_usec)
{
	uint64_t at = HEATER_NO_WAKEUP;

	if (h->outbox.n > 0)
		return 0;
	if (!may_send(h))
		return HEATER_NO_WAKEUP;
	if (h->pending && h->attempts <= h->p.retries)
		at = add(h->sent_usec, h->p.confirm_timeout_usec);
	else if (h->pending || (h->unconfirmed && !holding(h)))
		at = add(h->sent_usec, retry_interval(h));
	if (keeps_alive(h))
		at = min_usec(at, add(h->on_usec, h->p.auto_off_usec / 2));
	return at == HEATER_NO_WAKEUP ? at : since(at, now_usec);
}

/* Timers, and the next time they need looking at. */
static uint64_t evaluate(struct heater *h, uint64_t now_usec)
{
	uint64_t next;
	unsigned sends = h->outbox.n;
	bool on = h->desired == HEATER_RELAY_ON && h->confirmed == HEATER_RELAY_ON;

	offline_alert(h);
	next = offline_alert_due(h);
	h->no_power =
	    on && h->power_known && h->low && since(now_usec, h->low_usec) >= h->p.no_power_usec;
	if (on && h->power_known && h->low && !h->no_power)
		next = min_usec(next, add(h->low_usec, h->p.no_power_usec));
	if (holding(h)) {
		if (since(now_usec, h->held_usec) >= h->p.unconfirmed_retry_usec)
			h->unconfirmed = false;
		else
			next = min_usec(next, add(h->held_usec, h->p.unconfirmed_retry_usec));
	}
	if (!may_send(h))
		return next;
	if (h->pending && since(now_usec, h->sent_usec) >= h->p.confirm_timeout_usec) {
		if (h->attempts <= h->p.retries) {
			send_command(h, false, now_usec);
			h->attempts++;
		} else {
			h->pending = false;
			h->unconfirmed = true;
		}
	} else if (!h->pending && h->unconfirmed && !holding(h) &&
		   since(now_usec, h->sent_usec) >= retry_interval(h))
		send_command(h, false, now_usec);
	if (keeps_alive(h) && h->outbox.n == sends &&
	    since(now_usec, h->on_usec) >= h->p.auto_off_usec / 2)
		send_keep_alive(h, now_usec);

	if (h->pending)
		next = min_usec(next, add(h->sent_usec, h->p.confirm_timeout_usec));
	else if (h->unconfirmed && !holding(h))
		next = min_usec(next, add(h->sent_usec, retry_interval(h)));
	if (keeps_alive(h))
		next = min_usec(next, add(h->on_usec, h->p.auto_off_usec / 2));
	return next;
}

static void begin(struct heater *h, uint64_t now_usec)
{
	heater_messages_clear(&h->outbox);
	bucket_update(h, now_usec);
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
		ret->resend_in_usec = resend_in(h, now_usec);
	}
	switch (h->event) {
	case HEATER_EVENT_NONE:
		break;
	case HEATER_EVENT_SWITCHED:
	case HEATER_EVENT_CONTRADICTS:
		/* A heater_unconfirmed raised now says in its own line what the plug said. */
		if (!(ret->alerts_raised & HEATER_ALERT_BIT(HEATER_ALERT_UNCONFIRMED))) {
			ret->event = h->event;
			ret->resend_in_usec = resend_in(h, now_usec);
		}
		break;
	case HEATER_EVENT_OFFLINE:
	case HEATER_EVENT_ONLINE:
		ret->event = h->event;
		next = offline_alert_due(h);
		ret->alert_in_usec = next == HEATER_NO_WAKEUP ? 0 : since(next, now_usec);
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
		if (reachable(h)) {
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

/*
 * A report of @relay, not the desired state, that answers a command of its own
 * bedroomd sent less than confirm_timeout ago and superseded since (OFF, then
 * ON before the plug's "off" came): the plug doing as it was told a moment
 * ago, not switched by something else. Only while the newer command waits
 * for its answer: a plug says its states in order, so once it confirmed the
 * newer one, the older state is news. The pending command's retry re-sends
 * the desired state if the plug stays so.
 */
static bool echo(const struct heater *h, enum heater_relay relay, uint64_t now_usec)
{
	bool on = relay == HEATER_RELAY_ON;

	return h->pending && relay != HEATER_RELAY_UNKNOWN && relay != h->desired && h->told[on] &&
	       since(now_usec, h->told_usec[on]) < h->p.confirm_timeout_usec;
}

/* What a report of @relay says that no command asked for; before relay_report() takes it. */
static enum heater_event relay_event(const struct heater *h, enum heater_relay relay,
				     uint64_t now_usec)
{
	if (h->desired == HEATER_RELAY_UNKNOWN || relay == h->desired || echo(h, relay, now_usec))
		return HEATER_EVENT_NONE;
	if (h->unconfirmed) /* news only when it did not say so already */
		return contradicts(h) ? HEATER_EVENT_NONE : HEATER_EVENT_CONTRADICTS;
	/* A command not confirmed yet: the plug may not have taken it yet. */
	return h->confirmed == h->desired ? HEATER_EVENT_SWITCHED : HEATER_EVENT_NONE;
}

static void relay_report(struct heater *h, enum heater_relay relay, uint64_t now_usec)
{
	enum heater_event e = relay_event(h, relay, now_usec);

	if (e != HEATER_EVENT_NONE) /* over the plug's availability, were both in one message */
		h->event = e;
	if (relay != h->confirmed) {
		h->power_known = false;
		h->low = false;
	}
	h->echoed = echo(h, relay, now_usec);
	h->confirmed = relay;
	h->reported = true;
	h->report_usec = now_usec;
	h->word.kind = HEATER_WORD_NONE; /* a word said next is news again */
	if (h->desired == HEATER_RELAY_UNKNOWN)
		return;
	if (relay == h->desired) {
		h->pending = false;
		h->attempts = 0;
		/* After a trip the alert ends once the plug held it a while (evaluate()). */
		if (h->unconfirmed && h->trips > 0) {
			if (h->held_usec == 0)
				h->held_usec = now_usec;
		} else
			h->unconfirmed = false;
	} else if (!h->pending && may_send(h)) {
		/* Drift: re-send, but not faster than a confirmation may take. */
		if (since(now_usec, h->sent_usec) >= h->p.confirm_timeout_usec)
			send_command(h, true, now_usec);
		else
			h->pending = true;
	}
}

static bool word_equal(const struct heater_word *a, const struct heater_word *b)
{
	return a->kind == b->kind && a->code_known == b->code_known &&
	       (!a->code_known || a->code == b->code) && a->len == b->len &&
	       memcmp(a->text, b->text, a->len) == 0;
}

/*
 * The plug said @w. A state word that is neither on nor off: the relay is not
 * known, so the command is unconfirmed now, as one unanswered after its
 * retries (heater_unconfirmed; its stage does not count). It goes out again
 * by the slow retry, no sooner than unconfirmed_retry after the last send:
 * a plug whose protection tripped, on again and tripping again, is not told
 * ON at every trip. A device's error: the command waits on, as unanswered.
 */
static void word_report(struct heater *h, const struct heater_word *w, uint64_t now_usec)
{
	/*
	 * A trip: the first state word since the plug said a relay state (or
	 * ever), or the answer to a command sent since its last word (a plug
	 * that answers each ON with "overpower" and never says "on" between).
	 * Said again unasked (a periodic status), it is the same trip.
	 */
	bool trip = w->kind == HEATER_WORD_STATE &&
		    (h->word.kind != HEATER_WORD_STATE || h->sent_since_word);

	h->word_news = !word_equal(&h->word, w);
	h->sent_since_word = false;
	h->word = *w;
	h->word_now = true;
	if (w->kind != HEATER_WORD_STATE)
		return;
	/* A trip after a long hold is a new fault: the slow retry starts again at its pace. */
	if (h->held_usec > 0 && since(now_usec, h->held_usec) >= HEATER_TRIP_RETRY_MAX_USEC)
		h->trips = 0;
	if (trip && h->trips < 32)
		h->trips++;
	h->held_usec = 0;
	if (h->confirmed != HEATER_RELAY_UNKNOWN) {
		h->power_known = false;
		h->low = false;
	}
	h->confirmed = HEATER_RELAY_UNKNOWN;
	if (!may_send(h))
		return;
	h->pending = false;
	h->unconfirmed = true;
}

/*
 * Keeps what made the plug offline, for the journal: at most HEATER_SAID_MAX
 * bytes of it. Out of memory, nothing is kept; the journal then says less.
 */
static void keep_said(struct heater *h, const char *topic, const void *data, size_t len)
{
	size_t n = len < HEATER_SAID_MAX ? len : HEATER_SAID_MAX;

	free(h->said_topic);
	free(h->said);
	h->said_topic = strdup(topic);
	h->said = malloc(n + 1);
	if (!h->said_topic || !h->said) {
		free(h->said_topic);
		free(h->said);
		h->said_topic = h->said = NULL;
		h->said_len = 0;
		return;
	}
	memcpy(h->said, data, n);
	h->said[n] = '\0';
	h->said_len = n;
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
			keep_said(h, topic, data, len);
			if (h->availability != HEATER_AVAILABILITY_OFFLINE)
				h->event = HEATER_EVENT_OFFLINE;
			h->pending = false;
		} else if (back)
			h->event = HEATER_EVENT_ONLINE;
		h->availability = u.availability;
		if (back && may_send(h))
			send_command(h, true, now_usec);
	}
	if (u.relay != HEATER_RELAY_UNKNOWN)
		relay_report(h, u.relay, now_usec);
	if (u.word.kind != HEATER_WORD_NONE)
		word_report(h, &u.word, now_usec);
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
		/* What the plug said may change unheard while we are away. */
		h->confirmed = HEATER_RELAY_UNKNOWN;
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

bool heater_offline_said(const struct heater *h, const char **topic, const void **payload,
			 size_t *len)
{
	assert(h);
	assert(topic);
	assert(payload);
	assert(len);
	*topic = h->said_topic;
	*payload = h->said;
	*len = h->said_len;
	return h->said_topic != NULL;
}

const struct heater_word *heater_last_word(const struct heater *h)
{
	assert(h);
	return h->word.kind == HEATER_WORD_NONE ? NULL : &h->word;
}
