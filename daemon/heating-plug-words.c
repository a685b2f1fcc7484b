/*
 * What a plug says that bedroomd does not take, in the journal: a state word
 * that is neither on nor off (a Shelly Gen1's "overpower" through the generic
 * preset, a Tasmota's changed StateText, a zigbee2mqtt state other than
 * ON/OFF), a device's error in reply to a command (a Shelly Gen2's JSON-RPC
 * "error"). Once per word at warning, as the tracker says which are news
 * (another word, or the first since the plug said a relay state); the same
 * word again, at every keep-alive or status repeat, at debug.
 */
#include <stdio.h>

#include "daemon/heating-internal.h"
#include "daemon/log.h"

/* The word's text, fit for the journal; a bound below HEATER_WORD_MAX shows a cut one cut. */
#define EXCERPT_SIZE 48

/*
 * "'overpower' on 'T' is neither state_on 'on' nor state_off 'off'", as
 * configured; a preset's own words ("'AN' on 'T' is neither ON nor OFF").
 */
static void state_word_text(const struct stage *s, const char *word, const char *topic, char *buf,
			    size_t size)
{
	const struct heater_params *p = &s->params;

	switch (p->type) {
	case HEATER_TYPE_TASMOTA:
		snprintf(buf, size, "'%s' on '%s' is neither ON nor OFF", word, topic);
		return;
	case HEATER_TYPE_ZIGBEE2MQTT:
		snprintf(buf, size, "'%s' at 'state' on '%s' is neither ON nor OFF", word, topic);
		return;
	case HEATER_TYPE_GENERIC:
		if (p->json_key)
			snprintf(buf, size,
				 "'%s' at '%s' on '%s' is neither state_on '%s' nor state_off '%s'",
				 word, p->json_key, topic, p->state_on ? p->state_on : "",
				 p->state_off ? p->state_off : "");
		else
			snprintf(buf, size,
				 "'%s' on '%s' is neither state_on '%s' nor state_off '%s'", word,
				 topic, p->state_on ? p->state_on : "",
				 p->state_off ? p->state_off : "");
		return;
	case HEATER_TYPE_SHELLY:
	case _HEATER_TYPE_MAX:
		break;
	}
	snprintf(buf, size, "'%s' on '%s' is neither on nor off", word, topic);
}

/*
 * What the person can do about a preset's state word, for the warning: a
 * Tasmota says its StateText1/StateText2 (OFF/ON unless changed), which the
 * preset does not learn. "" where the line already says it (generic's words).
 */
static const char *state_word_hint(const struct stage *s)
{
	switch (s->params.type) {
	case HEATER_TYPE_TASMOTA:
		return " (Tasmota's StateText1/StateText2 must be OFF/ON, or use type = generic "
		       "with state_on/state_off)";
	case HEATER_TYPE_ZIGBEE2MQTT:
		return " (the device's state must be ON/OFF: is it a plug, and its name right?)";
	case HEATER_TYPE_SHELLY:
	case HEATER_TYPE_GENERIC:
	case _HEATER_TYPE_MAX:
		break;
	}
	return "";
}

/* The likeliest cause, in a few words for the phone's message. */
static const char *state_word_cause(const struct stage *s)
{
	switch (s->params.type) {
	case HEATER_TYPE_TASMOTA:
		return "its StateText1/StateText2 changed from OFF/ON?";
	case HEATER_TYPE_ZIGBEE2MQTT:
		return "not a plug, or another device's name?";
	case HEATER_TYPE_SHELLY:
	case HEATER_TYPE_GENERIC:
	case _HEATER_TYPE_MAX:
		break;
	}
	return "its own protection tripped?";
}

/* "error -103 'Invalid id'", "error -103", "an error 'Invalid id'" or "an error". */
static void error_text(const struct heater_word *w, const char *message, char *buf, size_t size)
{
	if (w->code_known && w->len > 0)
		snprintf(buf, size, "error %lld '%s'", w->code, message);
	else if (w->code_known)
		snprintf(buf, size, "error %lld", w->code);
	else if (w->len > 0)
		snprintf(buf, size, "an error '%s'", message);
	else
		snprintf(buf, size, "an error");
}

/* What goes out next: "; sending ON again in 60 s", or "" when nothing will (offline). */
static void next_send(const struct stage *s, const struct heater_decision *d, char *buf,
		      size_t size)
{
	unsigned long long sec = (d->resend_in_usec + 999999) / 1000000;
	const char *told = s->on ? "ON" : "OFF";

	if (d->resend_in_usec == 0)
		snprintf(buf, size, "; sending %s again", told);
	else if (d->resend_in_usec == HEATER_NO_WAKEUP)
		snprintf(buf, size, "%s", "");
	else
		snprintf(buf, size, "; sending %s again in %llu s", told, sec);
}

bool heating_log_plug_word(const struct stage *s, const struct heater_decision *d,
			   const char *topic)
{
	const char *kind = heater_alert_to_string(HEATER_ALERT_UNCONFIRMED);
	bool raised = d->alerts_raised & HEATER_ALERT_BIT(HEATER_ALERT_UNCONFIRMED);
	char word[EXCERPT_SIZE], what[320], err[96], next[64], alert[64] = "";

	heating_payload_excerpt(d->word.text, d->word.len, word, sizeof(word));
	switch (d->word.kind) {
	case HEATER_WORD_NONE:
		return false;
	case HEATER_WORD_STATE:
		state_word_text(s, word, topic, what, sizeof(what));
		if (!d->word_news) {
			log_debug("%s: %s, again", s->source, what);
			return false;
		}
		next_send(s, d, next, sizeof(next));
		if (raised)
			snprintf(alert, sizeof(alert), "; %s (another heater may stand in)", kind);
		log_warning("%s: %s: the plug is not taken as %s%s%s%s", s->source, what,
			    s->on ? "on" : "off", alert, next, state_word_hint(s));
		return raised;
	case HEATER_WORD_ERROR:
		error_text(&d->word, word, err, sizeof(err));
		if (!d->word_news) {
			log_debug("%s: the plug answered %s on '%s' again", s->source, err, topic);
			return false;
		}
		next_send(s, d, next, sizeof(next));
		log_warning("%s: the plug answered %s on '%s': the command was refused: not "
			    "confirmed%s (said again only if the cause changes)",
			    s->source, err, topic, next);
		return false;
	}
	return false;
}

bool heating_plug_word_alert(const struct stage *s, char *line, size_t line_size, char *message,
			     size_t message_size)
{
	const struct heater_word *w = heater_last_word(s->heater);
	const char *topic =
	    heater_n_subscriptions(s->heater) > 0 ? heater_subscription(s->heater, 0) : "";
	const char *told = s->on ? "ON" : "OFF";
	char word[EXCERPT_SIZE], what[320], err[96];

	if (!w)
		return false;
	heating_payload_excerpt(w->text, w->len, word, sizeof(word));
	switch (w->kind) {
	case HEATER_WORD_NONE:
		return false;
	case HEATER_WORD_STATE:
		state_word_text(s, word, topic, what, sizeof(what));
		snprintf(line, line_size, "the plug last said %s", what);
		snprintf(message, message_size,
			 "The smart plug of heater '%s' says '%s', neither on nor off (%s): the "
			 "heater may be on or off. bedroomd keeps sending %s.",
			 s->cfg->name, word, state_word_cause(s), told);
		return true;
	case HEATER_WORD_ERROR:
		error_text(w, word, err, sizeof(err));
		snprintf(line, line_size, "the plug refuses the last command: %s on '%s'", err,
			 topic);
		snprintf(message, message_size,
			 "The smart plug of heater '%s' refuses commands (%s): the heater may be "
			 "on or off. bedroomd keeps sending %s.",
			 s->cfg->name, err, told);
		return true;
	}
	return false;
}
