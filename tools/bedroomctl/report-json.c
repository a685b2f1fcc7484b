/* The report as JSON, for other programs. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "daemon/cramp-event.h"
#include "daemon/json-text.h"
#include "tools/bedroomctl/report.h"

/* The counts of @a: per night with its outcome, in all with its nights. */
static json_t *adherence_json(const struct report_adherence *a, bool per_night)
{
	json_t *j = json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "sent", (int) a->sent,
			      "started", (int) a->started, "done", (int) a->done, "snoozed",
			      (int) a->snoozed, "skipped", (int) a->skipped, "ignored",
			      (int) a->ignored, "not_sent", (int) a->not_sent);

	if (j && (a->no_cramp || a->cramp_left || a->cramp_right))
		json_object_update_new(
		    j, json_pack("{s:i, s:i, s:i}", "no_cramp", (int) a->no_cramp, "cramp_left",
				 (int) a->cramp_left, "cramp_right", (int) a->cramp_right));
	if (j && per_night)
		json_object_set_new(j, "outcome", json_string(a->outcome));
	else if (j)
		json_object_set_new(j, "nights", json_integer(a->nights));
	return j;
}

/*
 * A cramp as its event on the broker says it (id, source, context of the
 * night, ...), with the room then as "room_c"; @c's time is what the clock read.
 */
static json_t *cramp_json(const struct report_cramp *c)
{
	json_t *j = cramp_event_json(&c->row);

	if (j)
		json_object_set_new(j, "room_c", json_real_or_null(c->room_c, 1));
	return j;
}

static json_t *night_json(const struct report *r, const struct report_night *n)
{
	json_t *cramps = json_array(), *reminders = json_object();
	char label[REPORT_LABEL_MAX];

	for (size_t j = n->first_cramp; j < n->first_cramp + n->n_cramps; j++)
		json_array_append_new(cramps, cramp_json(&r->cramps[j]));
	for (size_t i = n->first_adherence; i < n->first_adherence + n->n_adherence; i++)
		json_object_set_new(reminders, r->adherence[i].reminder,
				    adherence_json(&r->adherence[i], true));
	report_night_label(n->night, label);
	/* recorded false: before the store's records, only cramps entered later are known. */
	return json_pack("{s:s, s:b, s:o, s:o, s:o, s:o}", "night", label, "recorded",
			 !n->before_records, "lowest_room_c", json_real_or_null(n->min_c, 1),
			 "soak_done", json_tristate(n->soak_done), "cramps", cramps, "reminders",
			 reminders);
}

int report_print_json(const struct report *r, FILE *f)
{
	json_t *root, *nights = json_array(), *weeks = json_array(), *advisories = json_array(),
		      *reminders = json_object(), *undated = json_array();
	char first[REPORT_LABEL_MAX], last[REPORT_LABEL_MAX], label[REPORT_LABEL_MAX],
	    when[REPORT_TIME_MAX];
	int ret;

	for (size_t i = 0; i < r->n_nights; i++)
		json_array_append_new(nights, night_json(r, &r->nights[i]));
	for (size_t i = 0; i < r->n_weeks; i++) {
		const struct report_week *w = &r->weeks[i];

		report_night_label(w->start, label);
		json_array_append_new(weeks,
				      json_pack("{s:s, s:i, s:i, s:b}", "start", label, "nights",
						(int) w->n_nights, "cramps", (int) w->n_cramps,
						"above_threshold", w->n_cramps > REPORT_THRESHOLD));
	}
	for (size_t i = 0; i < r->n_advisories; i++) {
		const struct report_advisory *a = &r->advisories[i];

		report_format_time(a->time_s, a->tz_offset_s, when);
		json_array_append_new(advisories,
				      json_pack("{s:o, s:s, s:o, s:o}", "kind", json_text(a->kind),
						"time", when, "message", json_text(a->message),
						"count", json_count_or_null(a->count)));
	}
	for (size_t i = 0; i < r->n_reminders; i++)
		json_object_set_new(reminders, r->reminders[i].reminder,
				    adherence_json(&r->reminders[i], false));
	for (size_t i = 0; i < r->n_undated; i++)
		json_array_append_new(undated, cramp_json(&r->undated[i]));
	report_night_label(r->first_night, first);
	report_night_label(r->last_night, last);
	root = json_pack(
	    "{s:s, s:s, s:i, s:o, s:o, s:{s:i, s:i, s:i, s:i, s:i, s:i, s:i}, s:{s:i, s:i}, s:o}",
	    "first_night", first, "last_night", last, "threshold_per_week", REPORT_THRESHOLD,
	    "nights", nights, "weeks", weeks, "totals", "cramps",
	    (int) (r->n_cramps - r->n_suspected), "suspected_unconfirmed", (int) r->n_suspected,
	    "nights_with_cramps", (int) r->n_nights_with_cramps, "nights_known",
	    (int) r->n_nights_known, "left", (int) r->n_left, "right", (int) r->n_right,
	    "leg_unknown", (int) r->n_unknown_leg, "foot_soak", "nights_done", (int) r->n_soak_done,
	    "nights_known", (int) r->n_soak_known, "advisories", advisories);
	if (root) {
		json_object_set_new(root, "nights_asked",
				    json_integer((json_int_t) r->n_nights_asked));
		if (r->records_begin == INT64_MAX) { /* no record yet */
			json_object_set_new(root, "records_begin", json_null());
		} else {
			report_night_label(r->records_begin, label);
			json_object_set_new(root, "records_begin", json_string(label));
		}
		json_object_set_new(root, "reminders", reminders);
		/*
		 * Logged while the clock was not set: of no known night, in no total.
		 * "time" is what that clock read (1970), not when the cramp was.
		 */
		json_object_set_new(root, "undated_cramps", undated);
	} else {
		json_decref(reminders);
		json_decref(undated);
	}
	if (!root)
		return -ENOMEM;
	ret = json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(4));
	fputc('\n', f);
	json_decref(root);
	return ret < 0 || ferror(f) ? -EIO : 0;
}
