/* The report as text for a terminal, and as CSV for a spreadsheet. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config-escape.h"
#include "control/cramp-night.h"
#include "tools/bedroomctl/report.h"

void report_night_label(int64_t night, char buf[static REPORT_LABEL_MAX])
{
	int y, m, d;

	cramp_night_date(night, &y, &m, &d);
	snprintf(buf, REPORT_LABEL_MAX, "%04d-%02d-%02d", y % 10000, m, d);
}

/*
 * Not clock_format_offset(): any stored time, a damaged store's too, comes out
 * in this one width (the PDF cuts the time of day out of it), never empty.
 */
void report_format_time(int64_t time_s, int tz_offset_s, char buf[static REPORT_TIME_MAX])
{
	int64_t local = time_s + tz_offset_s;
	int64_t day = (local - (((local % 86400) + 86400) % 86400)) / 86400;
	int64_t of_day = local - day * 86400;
	int off = tz_offset_s < 0 ? -tz_offset_s : tz_offset_s;
	int y, m, d;

	cramp_night_date(day, &y, &m, &d);
	snprintf(buf, REPORT_TIME_MAX, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y % 10000, m, d,
		 (int) (of_day / 3600), (int) (of_day / 60 % 60), (int) (of_day % 60),
		 tz_offset_s < 0 ? '-' : '+', off / 3600 % 100, off / 60 % 60);
}

const char *report_weekday_name(int64_t night)
{
	static const char *const names[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

	return names[cramp_night_weekday(night)];
}

#define RECORDS_BEGIN "The store's records begin on the night of %s: "
#define ENTERED_LATER "of the nights before, only the cramps entered later are known"

void report_coverage(const struct report *r, char *buf, size_t size)
{
	char label[REPORT_LABEL_MAX], first[REPORT_LABEL_MAX], left[96] = "";
	size_t left_out = r->n_nights_asked - r->n_nights;

	buf[0] = '\0';
	if (r->records_begin == INT64_MAX) {
		snprintf(buf, size,
			 "The store holds no records yet (no cramp, reminder or room "
			 "temperature): the nights before are unknown.");
		return;
	}
	report_night_label(r->records_begin, label);
	report_night_label(r->first_night, first);
	if (left_out > 0)
		snprintf(left, sizeof(left),
			 "the %zu night%s asked for before it %s unknown and left out", left_out,
			 left_out == 1 ? "" : "s", left_out == 1 ? "is" : "are");
	/* A cramp entered later for a night before bedroomd recorded anything starts it. */
	if (r->first_night < r->records_begin && left_out > 0)
		snprintf(buf, size,
			 RECORDS_BEGIN ENTERED_LATER
			 "; the report starts at the first of them, on the night of %s, and %s.",
			 label, first, left);
	else if (r->first_night < r->records_begin)
		snprintf(buf, size, RECORDS_BEGIN ENTERED_LATER ".", label);
	else if (left_out > 0)
		snprintf(buf, size, RECORDS_BEGIN "%s.", label, left);
}

/*
 * Each cramp's time is its own local time. When a night's were not all logged
 * at one offset (a time zone set that night, summer time beginning), its list
 * would read out of order without it: then each of its times shows its offset.
 */
static bool offsets_differ_in(const struct report *r, const struct report_night *n)
{
	for (size_t j = n->first_cramp + 1; j < n->first_cramp + n->n_cramps; j++)
		if (r->cramps[j].tz_offset_s != r->cramps[n->first_cramp].tz_offset_s)
			return true;
	return false;
}

static const char *soak_word(int soak)
{
	return soak == 1 ? "yes" : soak == 0 ? "no" : "unknown";
}

/*
 * @before, @text as config_escape() shows it, @after: a note is whatever was
 * sent to the cramp topic, and "\u001b" in its JSON is an escape character
 * for the terminal. -ENOMEM when out of memory.
 */
static int print_escaped(FILE *f, const char *before, const char *text, const char *after)
{
	char *shown = config_escape(text);

	if (!shown)
		return -ENOMEM;
	fprintf(f, "%s%s%s", before, shown, after);
	free(shown);
	return 0;
}

/*
 * The cramps of no known night, logged while the clock was not set (a Pi
 * without a real-time clock before NTP), each with what that clock read.
 * -ENOMEM when out of memory.
 */
static int print_undated(const struct report *r, FILE *f)
{
	char when[REPORT_TIME_MAX];

	if (r->n_undated == 0)
		return 0;
	fprintf(f,
		"%zu cramp%s with an unknown date (logged while the clock was not set), in no "
		"night or total:\n",
		r->n_undated, r->n_undated == 1 ? "" : "s");
	for (size_t i = 0; i < r->n_undated; i++) {
		const struct report_cramp *c = &r->undated[i];

		report_format_time(c->time_s, c->tz_offset_s, when);
		fprintf(f, "    %-7s %-7s ", c->leg, c->site[0] ? c->site : "-");
		if (isnan(c->room_c))
			fprintf(f, "room  --.- °C");
		else
			fprintf(f, "room %5.1f °C", c->room_c);
		fprintf(f, "  (the clock read %.10s %.5s)", when, when + 11);
		if (c->suspected)
			fprintf(f, "  (suspected, from movement)");
		if (c->note && print_escaped(f, "  note: ", c->note, "") < 0)
			return -ENOMEM;
		fputc('\n', f);
	}
	return 0;
}

int report_print_text(const struct report *r, FILE *f)
{
	char first[REPORT_LABEL_MAX], last[REPORT_LABEL_MAX], label[REPORT_LABEL_MAX],
	    when[REPORT_TIME_MAX], line[400];

	report_night_label(r->first_night, first);
	report_night_label(r->last_night, last);
	fprintf(f, "Cramp report: nights of %s to %s (%zu night%s, oldest first)\n", first, last,
		r->n_nights, r->n_nights == 1 ? "" : "s");
	report_coverage(r, line, sizeof(line));
	if (line[0])
		fprintf(f, "%s\n", line);
	fputc('\n', f);
	for (size_t i = 0; i < r->n_nights; i++) {
		const struct report_night *n = &r->nights[i];

		report_night_label(n->night, label);
		fprintf(f, "%s %s  ", report_weekday_name(n->night), label);
		if (isnan(n->min_c))
			fprintf(f, "lowest  --.- °C");
		else
			fprintf(f, "lowest %5.1f °C", n->min_c);
		fprintf(f, "  foot soak %-7s  ", soak_word(n->soak_done));
		if (n->n_cramps == 0 && n->before_records)
			fprintf(f, "no record (before the store's records)\n");
		else if (n->n_cramps == 0)
			fprintf(f, "no cramp\n");
		else
			fprintf(f, "%zu cramp%s\n", n->n_cramps, n->n_cramps == 1 ? "" : "s");
		for (size_t j = n->first_cramp; j < n->first_cramp + n->n_cramps; j++) {
			const struct report_cramp *c = &r->cramps[j];

			report_format_time(c->time_s, c->tz_offset_s, when);
			if (offsets_differ_in(r, n))
				fprintf(f, "    %.5s %.6s  %-7s %-7s ", when + 11, when + 19,
					c->leg, c->site[0] ? c->site : "-");
			else
				fprintf(f, "    %.5s  %-7s %-7s ", when + 11, c->leg,
					c->site[0] ? c->site : "-");
			if (isnan(c->room_c))
				fprintf(f, "room  --.- °C");
			else
				fprintf(f, "room %5.1f °C", c->room_c);
			if (c->suspected)
				fprintf(f, "  (suspected, from movement)");
			if (c->note && print_escaped(f, "  note: ", c->note, "") < 0)
				return -ENOMEM;
			fputc('\n', f);
		}
		report_night_reminders(r, n, line, sizeof(line));
		if (line[0])
			fprintf(f, "    reminders: %s\n", line);
	}

	fprintf(f,
		"\nWeeks (Monday to Sunday night; more than %d cramps a week is worth a doctor's "
		"check):\n",
		REPORT_THRESHOLD);
	for (size_t i = 0; i < r->n_weeks; i++) {
		const struct report_week *w = &r->weeks[i];

		report_night_label(w->start, label);
		fprintf(f, "  week of %s  %2u cramp%s", label, w->n_cramps,
			w->n_cramps == 1 ? " " : "s");
		if (w->n_nights < 7)
			fprintf(f, "  (%u of 7 nights in this report)", w->n_nights);
		if (w->n_cramps > REPORT_THRESHOLD)
			fprintf(f, "  more than %d", REPORT_THRESHOLD);
		fputc('\n', f);
	}

	fprintf(f,
		"\nTotal: %zu cramp%s on %u of %zu night%s (left %u, right %u, leg not given %u)\n",
		r->n_cramps - r->n_suspected, r->n_cramps - r->n_suspected == 1 ? "" : "s",
		r->n_nights_with_cramps, (size_t) r->n_nights_known,
		r->n_nights_known == 1 ? "" : "s", r->n_left, r->n_right, r->n_unknown_leg);
	if (r->n_suspected)
		fprintf(f, "Not counted: %u suspected from movement and never confirmed\n",
			r->n_suspected);
	if (print_undated(r, f) < 0)
		return -ENOMEM;
	/* "done on 0 of the 0 nights" reads like a count: said plainly (a user trial). */
	if (r->n_soak_known == 0)
		fprintf(f, "Foot soak: not known yet for any night of this report\n");
	else
		fprintf(f, "Foot soak: done on %u of the %u nights where it is known\n",
			r->n_soak_done, r->n_soak_known);

	fprintf(f, "\nReminders (what the store recorded, per reminder):%s\n",
		r->n_reminders == 0 ? " none" : "");
	for (size_t i = 0; i < r->n_reminders; i++) {
		const struct report_adherence *a = &r->reminders[i];

		fprintf(
		    f,
		    "  %-12s %2u night%s: sent %u, started %u, done %u, snoozed %u, skipped %u, "
		    "ignored %u",
		    a->reminder, a->nights, a->nights == 1 ? " " : "s", a->sent, a->started,
		    a->done, a->snoozed, a->skipped, a->ignored);
		if (a->not_sent)
			fprintf(f, ", not sent %u", a->not_sent);
		if (a->no_cramp || a->cramp_left || a->cramp_right)
			fprintf(f, "; no cramp %u, cramp left %u, cramp right %u", a->no_cramp,
				a->cramp_left, a->cramp_right);
		fputc('\n', f);
	}

	fprintf(f, "\nAdvisories that fired:%s\n", r->n_advisories == 0 ? " none" : "");
	for (size_t i = 0; i < r->n_advisories; i++) {
		const struct report_advisory *a = &r->advisories[i];

		report_format_time(a->time_s, a->tz_offset_s, when);
		fprintf(f, "  %.10s %.5s  ", when, when + 11);
		if (print_escaped(f, "", a->kind, ": ") < 0 ||
		    print_escaped(f, "", a->message ? a->message : "", "\n") < 0)
			return -ENOMEM;
	}
	fprintf(f, "\nbedroomd counts and reports; it does not diagnose.\n");
	return ferror(f) ? -EIO : 0;
}

/* A CSV field: quoted, with quotes doubled, when it needs to be. */
static void csv_field(FILE *f, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void csv_number(FILE *f, double v)
{
	if (!isnan(v))
		fprintf(f, "%.1f", v);
}

static void csv_tristate(FILE *f, int v)
{
	if (v >= 0)
		fputs(v ? "yes" : "no", f);
}

int report_print_csv(const struct report *r, FILE *f)
{
	char label[REPORT_LABEL_MAX], when[REPORT_TIME_MAX], reminders[400];

	fprintf(f,
		"night,night_lowest_c,soak_done,time,leg,site,room_c,suspected,note,reminders\r\n");
	for (size_t i = 0; i < r->n_nights; i++) {
		const struct report_night *n = &r->nights[i];
		size_t rows = n->n_cramps ? n->n_cramps : 1;

		if (n->before_records && n->n_cramps == 0)
			continue; /* unknown: no row that would read "no cramp" */
		report_night_label(n->night, label);
		report_night_reminders(r, n, reminders, sizeof(reminders));
		for (size_t k = 0; k < rows; k++) {
			const struct report_cramp *c =
			    n->n_cramps ? &r->cramps[n->first_cramp + k] : NULL;
			char *note;

			fprintf(f, "%s,", label);
			csv_number(f, n->min_c);
			fputc(',', f);
			csv_tristate(f, n->soak_done);
			fputc(',', f);
			if (c) {
				report_format_time(c->time_s, c->tz_offset_s, when);
				fprintf(f, "%s,%s,%s,", when, c->leg, c->site);
				csv_number(f, c->room_c);
				fprintf(f, ",%s,", c->suspected ? "yes" : "no");
				/* CSV has no escape for a control character: escaped as in text. */
				note = c->note ? config_escape(c->note) : NULL;
				if (c->note && !note)
					return -ENOMEM;
				csv_field(f, note);
				free(note);
			} else {
				fputs(",,,,,", f);
			}
			fputc(',', f);
			csv_field(f, reminders);
			fputs("\r\n", f);
		}
	}
	return ferror(f) ? -EIO : 0;
}
