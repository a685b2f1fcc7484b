/*
 * `bedroomctl status` for a person: the retained availability and state
 * snapshot as a few lines (the raw JSON is what `--json` prints). Every field
 * may be missing or null (an older bedroomd, a part not configured): a line is
 * left out rather than guessed.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config-escape.h"
#include "tools/bedroomctl/status-text.h"

#define LABEL "%-10s "

/*
 * @j with every string, and every key, as config_escape() shows it: whoever
 * may publish on the broker can retain a state that holds terminal escape
 * sequences ("\u001b" in JSON). A new reference; NULL when out of memory.
 */
static json_t *escaped(json_t *j)
{
	json_t *copy = NULL, *v;
	const char *key;
	char *text;
	size_t i;

	switch (json_typeof(j)) {
	case JSON_STRING:
		text = config_escape(json_string_value(j));
		copy = text ? json_string(text) : NULL;
		free(text);
		return copy;
	case JSON_OBJECT:
		copy = json_object();
		json_object_foreach(j, key, v)
		{
			text = config_escape(key);
			if (!copy || !text || json_object_set_new(copy, text, escaped(v)) < 0) {
				free(text);
				json_decref(copy);
				return NULL;
			}
			free(text);
		}
		return copy;
	case JSON_ARRAY:
		copy = json_array();
		json_array_foreach(j, i, v)
		{
			if (!copy || json_array_append_new(copy, escaped(v)) < 0) {
				json_decref(copy);
				return NULL;
			}
		}
		return copy;
	case JSON_INTEGER:
	case JSON_REAL:
	case JSON_TRUE:
	case JSON_FALSE:
	case JSON_NULL:
		return json_incref(j);
	}
	return NULL;
}

static const char *text_of(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* A number at @key, or NAN when it is missing, null or not a number. */
static double number_of(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

static void print_room(FILE *out, json_t *state)
{
	double t = number_of(state, "temperature");
	json_t *sensors = json_object_get(state, "sensors"), *s;
	const char *name, *sep = " (";

	if (isnan(t))
		fprintf(out, LABEL "unknown", "room");
	else
		fprintf(out, LABEL "%.1f °C", "room", t);
	json_object_foreach(sensors, name, s)
	{
		double st = number_of(s, "temperature");
		const char *status = text_of(s, "status");

		fprintf(out, "%s%s", sep, name);
		if (!isnan(st))
			fprintf(out, " %.2f °C", st);
		if (status)
			fprintf(out, " %s", status);
		sep = ", ";
	}
	fputs(strcmp(sep, ", ") == 0 ? ")\n" : "\n", out);
}

/*
 * What the plug said, after "told on, ": its relay state, or its word that is
 * neither on nor off ("said"), or nothing yet; a refused command after it.
 */
static void print_plug_said(FILE *out, json_t *heater)
{
	const char *relay = text_of(heater, "relay"), *hstate = text_of(heater, "state");
	/* Offline: what it said before, not what it says (Home Assistant shows it unknown). */
	bool gone = hstate && strcmp(hstate, "offline") == 0;
	json_t *said = json_object_get(heater, "said");
	const char *kind = text_of(said, "kind"), *word = text_of(said, "word");
	json_t *code = json_object_get(said, "code");
	bool error = kind && strcmp(kind, "error") == 0;

	if (!relay && word && !error) {
		fprintf(out, "plug said '%s', not on or off", word);
		return;
	}
	if (gone && relay)
		fprintf(out, "plug last said %s", relay);
	else
		fprintf(out, "plug says %s", relay ? relay : "nothing yet");
	if (!error)
		return;
	fputs(", and refused the last command (error", out);
	if (json_is_integer(code))
		fprintf(out, " %lld", (long long) json_integer_value(code));
	if (word && *word)
		fprintf(out, " '%s'", word);
	fputc(')', out);
}

static void print_heating(FILE *out, json_t *state)
{
	const char *action = text_of(state, "action"), *reason = text_of(state, "heating_reason");
	const char *mode = text_of(state, "mode");
	double floor = number_of(state, "floor"), now = number_of(state, "floor_now");
	json_t *heaters = json_object_get(state, "heaters"), *h;
	const char *name;

	if (!action && isnan(floor))
		return;
	fprintf(out, LABEL "%s", "heating", action ? action : "unknown");
	/* Heat wanted, no plug giving it ("idle (heating)" read as a contradiction). */
	if (reason && action && strcmp(action, "idle") == 0 &&
	    (strcmp(reason, "heating") == 0 || strcmp(reason, "preheat") == 0))
		fprintf(out, " (wants %s, but no heater gives heat: see below)",
			strcmp(reason, "preheat") == 0 ? "to pre-heat" : "heat");
	else if (reason && (!action || strcmp(reason, action) != 0))
		fprintf(out, " (%s)", reason);
	if (mode)
		fprintf(out, ", mode %s", mode);
	if (!isnan(floor))
		fprintf(out, ", floor %.1f °C", floor);
	if (!isnan(now) && now != floor)
		fprintf(out, " (held now: %.1f °C)", now);
	else if (json_is_null(json_object_get(state, "floor_now")) && !isnan(floor))
		fputs(" (none held now)", out);
	fputc('\n', out);
	json_object_foreach(heaters, name, h)
	{
		const char *hstate = text_of(h, "state");
		double power = number_of(h, "power");

		fprintf(out, LABEL "%s: told %s, ", "heater", name,
			json_is_true(json_object_get(h, "on")) ? "on" : "off");
		print_plug_said(out, h);
		if (!isnan(power))
			fprintf(out, ", %.0f W", power);
		if (hstate && strcmp(hstate, "online") != 0)
			fprintf(out, " (%s)", hstate);
		fputc('\n', out);
	}
}

static void print_outdoor_and_learned(FILE *out, json_t *state)
{
	json_t *outdoor = json_object_get(state, "outdoor");
	json_t *learned = json_object_get(state, "learned");
	double t = number_of(outdoor, "temperature");
	double gain = number_of(learned, "heater_gain_k_per_h");

	if (!isnan(t)) {
		const char *at = text_of(outdoor, "time");

		fprintf(out, LABEL "%.1f °C%s%s\n", "outdoor", t, at ? " at " : "", at ? at : "");
	}
	if (json_is_object(learned)) {
		double sure = number_of(learned, "sure");

		if (isnan(gain))
			fprintf(out, LABEL "nothing yet", "learned");
		else
			fprintf(out, LABEL "heater +%.1f K/h after %.1f min, room %.0f min",
				"learned", gain, number_of(learned, "heater_lag_min"),
				number_of(learned, "room_tau_min"));
		if (!isnan(sure))
			fprintf(out, ", %.0f %% sure", sure * 100);
		fputs(json_is_true(json_object_get(learned, "in_use")) ? ", in use\n"
		      : json_is_true(json_object_get(learned, "on_trial"))
			  ? ", on trial (the band decides until it explains the readings)\n"
			  : ", not in use yet\n",
		      out);
	}
}

static void print_bed_and_cramps(FILE *out, json_t *state)
{
	json_t *in_bed = json_object_get(state, "in_bed");
	json_t *cramps = json_object_get(state, "cramps_7d");
	const char *since = text_of(state, "in_bed_since"), *last = text_of(state, "last_cramp");

	if (json_is_boolean(in_bed))
		fprintf(out, LABEL "%s%s%s\n", "bed",
			json_is_true(in_bed) ? "in bed" : "not in bed", since ? " since " : "",
			since ? since : "");
	if (json_is_integer(cramps))
		fprintf(out, LABEL "%lld in the last 7 days%s%s\n", "cramps",
			(long long) json_integer_value(cramps), last ? "; last " : "",
			last ? last : "");
	else if (json_is_null(cramps)) {
		/* Not known (the store failed): said, with why when the state says. */
		json_t *store = json_object_get(state, "store");
		const char *status = text_of(store, "status"), *error = text_of(store, "error");
		bool why = status && strcmp(status, "ok") != 0;

		fprintf(out, LABEL "unknown in the last 7 days", "cramps");
		if (why)
			fprintf(out, " (the store %s%s%s)", status, error ? ": " : "",
				error ? error : "");
		fprintf(out, "%s%s\n", last ? "; last " : "", last ? last : "");
	}
}

/*
 * A reminder's run "state" (control/reminder-names.c) in words: what its run
 * waits for now, or what became of the last one. "none" (no run yet): NULL,
 * nothing to say.
 */
static const struct {
	const char *state, *words;
} run_words[] = {
	{ "none", NULL },
	{ "due", "sent, waiting for an answer" },
	{ "snoozed", "snoozed until then" },
	{ "timer", "started, its timer running" },
	{ "time_up", "its timer is up, waiting for done" },
	{ "cleared", "the last one answered" },
	{ "given_up", "the last one given up unanswered" },
	{ "in_bed", "the last one not sent: already in bed" },
	{ "missed", "the last one not sent: bedroomd was down when it was due" },
};

static void print_reminders(FILE *out, json_t *state)
{
	json_t *reminders = json_object_get(state, "reminders"), *r;
	const char *name;

	json_object_foreach(reminders, name, r)
	{
		const char *next = text_of(r, "next"), *run = text_of(r, "state");
		const char *ends = text_of(r, "ends"), *words = NULL; /* ends: of a timer */
		bool known = false;

		for (size_t i = 0; run && i < sizeof(run_words) / sizeof(run_words[0]); i++)
			if (strcmp(run, run_words[i].state) == 0) {
				words = run_words[i].words;
				known = true;
			}
		fprintf(out, LABEL "%s: next %s", "reminder", name, next ? next : "none");
		/* A word of a newer bedroomd is shown as it is, said to be the run's. */
		if (run && !known)
			fprintf(out, " (its run: %s)", run);
		else if (words)
			fprintf(out, " (%s%s%s)", words, ends ? " until " : "", ends ? ends : "");
		fputc('\n', out);
	}
}

static void print_store_and_alerts(FILE *out, json_t *state)
{
	json_t *store = json_object_get(state, "store"), *alerts = json_object_get(state, "alerts");
	const char *status = text_of(store, "status"), *error = text_of(store, "error");
	json_t *a;
	size_t i;

	if (status)
		fprintf(out, LABEL "%s%s%s\n", "store", status, error ? ": " : "",
			error ? error : "");
	if (!json_is_array(alerts))
		return;
	if (json_array_size(alerts) == 0)
		fprintf(out, LABEL "none\n", "alerts");
	json_array_foreach(alerts, i, a)
	{
		const char *kind = text_of(a, "kind"), *source = text_of(a, "source");
		const char *message = text_of(a, "message");

		fprintf(out, LABEL "%s", i == 0 ? "alerts" : "", kind ? kind : "?");
		if (source)
			fprintf(out, " (%s)", source);
		if (message)
			fprintf(out, ": %s", message);
		fputc('\n', out);
	}
}

int status_print_text(FILE *out, const char *availability, const char *state_text)
{
	json_t *state = NULL, *loaded;
	const char *node, *version, *started;
	char *shown = NULL;

	if (state_text) {
		loaded = json_loads(state_text, 0, NULL);
		if (!json_is_object(loaded)) {
			json_decref(loaded);
			return -1;
		}
		state = escaped(loaded);
		json_decref(loaded);
		if (!state)
			return -ENOMEM;
	}
	if (availability && !(shown = config_escape(availability))) {
		json_decref(state);
		return -ENOMEM;
	}
	node = text_of(state, "node_id");
	version = text_of(state, "version");
	started = text_of(state, "started");
	fprintf(out, "bedroomd%s%s%s%s: %s", node ? " " : "", node ? node : "", version ? " " : "",
		version ? version : "", shown ? shown : "no availability retained");
	free(shown);
	if (started)
		fprintf(out, ", started %s", started);
	fputc('\n', out);
	if (!state) {
		fputs("no state retained\n", out);
		return 0;
	}
	/* Offline: what follows is what it said last, not what holds now. */
	if (availability && strcmp(availability, "offline") == 0)
		fputs("its last state before it went offline (nothing below holds now):\n", out);
	print_room(out, state);
	print_heating(out, state);
	print_outdoor_and_learned(out, state);
	print_bed_and_cramps(out, state);
	print_reminders(out, state);
	print_store_and_alerts(out, state);
	json_decref(state);
	return 0;
}
