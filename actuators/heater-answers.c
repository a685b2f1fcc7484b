/*
 * What one heater's plug answers, told apart: the late echo of a command since
 * superseded, a state word that is neither on nor off (a trip) and the trips
 * in a row, and when the desired state goes out again by itself, the slow
 * retry backed off by those trips. See heater.h for the rules.
 */
#include <string.h>

#include "actuators/heater-defaults.h"
#include "actuators/heater-internal.h"

/*
 * When each state was last told, for heater_echo(); and a state word from now
 * on is the plug's answer to this command: a trip (heater_word_report()).
 */
void heater_told(struct heater *h, bool on, uint64_t now_usec)
{
	h->told_usec[on] = now_usec;
	h->sent_since_word = true;
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
bool heater_echo(const struct heater *h, enum heater_relay relay, uint64_t now_usec)
{
	bool on = relay == HEATER_RELAY_ON;

	return h->pending && relay != HEATER_RELAY_UNKNOWN && relay != h->desired &&
	       h->told_usec[on] != 0 &&
	       heater_usec_since(now_usec, h->told_usec[on]) < h->p.confirm_timeout_usec;
}

/*
 * Before relay_report() (heater.c) takes the report: heater_echo() asks for
 * the command still pending. contradicts() there does not hold an echo
 * against the command.
 */
void heater_relay_heard(struct heater *h, enum heater_relay relay, uint64_t now_usec)
{
	h->echoed = heater_echo(h, relay, now_usec);
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
void heater_word_report(struct heater *h, const struct heater_word *w, uint64_t now_usec)
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
	if (h->held_usec > 0 &&
	    heater_usec_since(now_usec, h->held_usec) >= HEATER_TRIP_RETRY_MAX_USEC)
		h->trips = 0;
	if (trip && h->trips < 32)
		h->trips++;
	h->held_usec = 0;
	if (h->confirmed != HEATER_RELAY_UNKNOWN) {
		h->power_known = false;
		h->low = false;
	}
	h->confirmed = HEATER_RELAY_UNKNOWN;
	if (!heater_may_send(h))
		return;
	h->pending = false;
	h->unconfirmed = true;
}

bool heater_holding(const struct heater *h)
{
	return h->unconfirmed && h->held_usec > 0 && h->confirmed == h->desired;
}

/*
 * Unconfirmed after a trip, the alert ends once the plug held what it is told
 * a while (heater_hold_end()), not at a brief "on" before it trips again;
 * otherwise at once. The hold starts at the first such report, not the last.
 */
void heater_confirms(struct heater *h, uint64_t now_usec)
{
	if (h->unconfirmed && h->trips > 0) {
		if (h->held_usec == 0)
			h->held_usec = now_usec;
	} else
		h->unconfirmed = false;
}

uint64_t heater_hold_end(struct heater *h, uint64_t now_usec)
{
	if (!heater_holding(h))
		return HEATER_NO_WAKEUP;
	if (heater_usec_since(now_usec, h->held_usec) >= h->p.unconfirmed_retry_usec) {
		h->unconfirmed = false;
		return HEATER_NO_WAKEUP;
	}
	return heater_usec_add(h->held_usec, h->p.unconfirmed_retry_usec);
}

/* Its protection tripped and it has not held what it is told since: no keep-alive either. */
static bool tripped(const struct heater *h)
{
	return h->unconfirmed && h->trips > 0 && !heater_holding(h);
}

bool heater_keeps_alive(const struct heater *h)
{
	return h->desired == HEATER_RELAY_ON && h->p.auto_off_usec > 0 && !tripped(h);
}

/*
 * unconfirmed_retry, doubled at each trip after the first up to
 * HEATER_TRIP_RETRY_MAX_USEC, so a heater that trips its plug at each ON is
 * not switched on every minute all night.
 */
uint64_t heater_retry_interval(const struct heater *h)
{
	uint64_t usec = h->p.unconfirmed_retry_usec;

	for (unsigned i = 1; i < h->trips && usec < HEATER_TRIP_RETRY_MAX_USEC; i++)
		usec = heater_usec_min(usec * 2, HEATER_TRIP_RETRY_MAX_USEC);
	return usec;
}

/*
 * After evaluate() (heater.c): a retry, a slow retry while unconfirmed (a
 * pending command without retries left ends in it), or the keep-alive.
 */
uint64_t heater_resend_in(const struct heater *h, uint64_t now_usec)
{
	uint64_t at = HEATER_NO_WAKEUP;

	if (h->outbox.n > 0)
		return 0;
	if (!heater_may_send(h))
		return HEATER_NO_WAKEUP;
	if (h->pending && h->attempts <= h->p.retries)
		at = heater_usec_add(h->sent_usec, h->p.confirm_timeout_usec);
	else if (h->pending || (h->unconfirmed && !heater_holding(h)))
		at = heater_usec_add(h->sent_usec, heater_retry_interval(h));
	if (heater_keeps_alive(h))
		at = heater_usec_min(at, heater_usec_add(h->on_usec, h->p.auto_off_usec / 2));
	return at == HEATER_NO_WAKEUP ? at : heater_usec_since(at, now_usec);
}
