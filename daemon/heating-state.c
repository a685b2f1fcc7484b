/* What heating reports: the action and its reason, the heaters, an hour of use. */
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#include "daemon/clock.h"
#include "daemon/heating-internal.h"

void heating_account(struct stage *s, uint64_t now)
{
	duty_hour_account(&s->duty, s->on, now);
}

/*
 * Whether stage @s gives heat as far as its plug tells: told on, and not
 * offline, unconfirmed, saying off or drawing nothing. A command on its way
 * (pending) or a plug not heard from since the start counts: nothing says
 * otherwise yet; one that said off after it was told on (its button) does
 * not, while the ON is sent again.
 */
static bool stage_heats(const struct stage *s)
{
	struct heater_status st;

	if (!s->on)
		return false;
	heater_get_status(s->heater, &st);
	switch (st.state) {
	case HEATER_STATE_OFFLINE:
	case HEATER_STATE_UNCONFIRMED:
	case HEATER_STATE_NO_POWER:
	case HEATER_STATE_OFF:
		return false;
	case HEATER_STATE_PENDING:
	case HEATER_STATE_ON:
	case HEATER_STATE_UNKNOWN:
		break;
	}
	return !st.contradicts;
}

/*
 * "heating" while a heater heats, as Home Assistant's generic_thermostat
 * shows its switch: a plug that is offline or does not answer is not shown
 * heating on the phone (its alert says why); heating_reason still says what
 * heating wants.
 */
const char *heating_action(const struct heating *h)
{
	/* Stopping: every heater told off, and nothing will switch one on. */
	if (h->settings.mode == COMMAND_MODE_OFF || h->off)
		return "off";
	for (unsigned i = 0; i < h->n_stages; i++)
		if (stage_heats(&h->stages[i]))
			return "heating";
	return "idle";
}

int heating_heater_on(const struct heating *h)
{
	if (h->n_stages == 0)
		return -1;
	return strcmp(heating_action(h), "heating") == 0;
}

double heating_duty_1h(const struct heating *h)
{
	if (h->n_stages == 0)
		return NAN;
	return duty_hour_share(&h->stages[0].duty, clock_monotonic_usec());
}

/*
 * Why the heaters do what "action" says. The thermostat's own reason is what
 * the room wants; a relay held by its minimum on- or off-time, or resting,
 * does otherwise, and then the stage's reason says why.
 */
enum thermostat_reason heating_reason(const struct heating *h)
{
	const struct thermostat_decision *d = &h->last;

	for (unsigned i = 0; i < h->n_stages && i < d->n_stages; i++)
		if (h->stages[i].on)
			return d->stage[i].reason;
	switch (d->reason) {
	case THERMOSTAT_REASON_HEATING:
	case THERMOSTAT_REASON_PREHEAT:
	case THERMOSTAT_REASON_FALLBACK_DUTY:
		/* Wanted on, and none is: the first stage says what holds it off. */
		return d->n_stages > 0 ? d->stage[0].reason : d->reason;
	case THERMOSTAT_REASON_MODE_OFF:
	case THERMOSTAT_REASON_NO_FLOOR:
	case THERMOSTAT_REASON_IDLE:
	case THERMOSTAT_REASON_MIN_ON:
	case THERMOSTAT_REASON_MIN_OFF:
	case THERMOSTAT_REASON_SENSOR_STALE:
	case THERMOSTAT_REASON_NO_READING_YET:
	case THERMOSTAT_REASON_OVER_TEMPERATURE:
	case THERMOSTAT_REASON_MAX_ON_TIME:
	case THERMOSTAT_REASON_NO_EFFECT:
		break;
	}
	return d->reason;
}

uint64_t heating_alert_horizon_usec(const struct heating *h, const char *kind, const char *source)
{
	if (strcmp(source, "heating") == 0)
		return h->thermostat_params.stale_usec;
	for (unsigned i = 0; i < h->n_stages; i++)
		if (strcmp(source, h->stages[i].source) == 0) {
			uint64_t unconfirmed =
			    heater_params_unconfirmed_after_usec(&h->stages[i].params);

			const char *offline = heater_alert_to_string(HEATER_ALERT_OFFLINE);
			const char *unanswered = heater_alert_to_string(HEATER_ALERT_UNCONFIRMED);

			if (kind && strcmp(kind, unanswered) == 0)
				return unconfirmed;
			/* heater_offline comes only after its grace; any kind: the later of the
			 * two. */
			if (kind && strcmp(kind, offline) == 0)
				return HEATER_OFFLINE_GRACE_USEC;
			return unconfirmed > HEATER_OFFLINE_GRACE_USEC ? unconfirmed
								       : HEATER_OFFLINE_GRACE_USEC;
		}
	/* A plug a reload let go is not gone while it is seen off (heating-retired.c). */
	for (unsigned k = 0; k < h->n_retired; k++)
		if (strcmp(source, h->retired[k]->source) == 0)
			return HEATER_OFFLINE_GRACE_USEC;
	return 0;
}

/*
 * The plug's last word not taken (heater_last_word()), for "said": a state
 * word that is neither on nor off, or its error to a command (with its code
 * when it gave one); null when it said a relay state since, or none. The word
 * as it came when it is UTF-8 (JSON's), else as the journal shows it.
 */
static json_t *said_state(const struct stage *s)
{
	const struct heater_word *w = heater_last_word(s->heater);
	char excerpt[HEATER_WORD_MAX + 4];
	json_t *word;

	if (!w)
		return json_null();
	word = json_stringn(w->text, w->len);
	if (!word) {
		heating_payload_excerpt(w->text, w->len, excerpt, sizeof(excerpt));
		word = json_string(excerpt);
	}
	if (w->kind == HEATER_WORD_ERROR)
		return json_pack("{s:s, s:o?, s:o}", "kind", "error", "word", word, "code",
				 w->code_known ? json_integer(w->code) : json_null());
	return json_pack("{s:s, s:o?}", "kind", "state", "word", word);
}

int heating_add_state(const struct heating *h, json_t *state)
{
	json_t *heaters = json_object();

	if (!heaters)
		return -ENOMEM;
	for (unsigned i = 0; i < h->n_stages; i++) {
		struct heater_status st;

		heater_get_status(h->stages[i].heater, &st);
		/*
		 * "on": what it is told; "relay": what the plug last said (null: nothing);
		 * "said": its word that is neither (null: none).
		 */
		json_object_set_new(
		    heaters, h->stages[i].cfg->name,
		    json_pack("{s:s, s:b, s:s?, s:o, s:o?}", "state",
			      heater_state_to_string(st.state), "on", h->stages[i].on, "relay",
			      st.confirmed == HEATER_RELAY_ON    ? "on"
			      : st.confirmed == HEATER_RELAY_OFF ? "off"
								 : NULL,
			      "power", st.power_known ? json_real(st.power_w) : json_null(), "said",
			      said_state(&h->stages[i])));
	}
	json_object_set_new(state, "floor", json_real(h->settings.floor_c));
	/* The one held now: the night's, day_floor by day, none (null) without one. */
	json_object_set_new(state, "floor_now",
			    h->have_decision && !h->off && !isnan(h->last.floor_c)
				? json_real(h->last.floor_c)
				: json_null());
	json_object_set_new(state, "mode", json_string(command_mode_to_string(h->settings.mode)));
	json_object_set_new(state, "action", json_string(heating_action(h)));
	json_object_set_new(state, "heating_reason",
			    h->have_decision && !h->off
				? json_string(thermostat_reason_to_string(heating_reason(h)))
				: json_null());
	json_object_set_new(state, "heaters", heaters);
	json_object_set_new(state, "learned", heating_model_state(h));
	json_object_set_new(state, "outdoor", heating_outdoor_state(h));
	return 0;
}
