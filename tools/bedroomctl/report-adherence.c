/*
 * The reminders in the report: what the store recorded for each run, per
 * night and reminder (the night its run was due in), and in all. A count is
 * of runs: a run snoozed twice counts once in "snoozed" (the times are kept
 * apart), one started, skipped and started again once in "started".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/cramp-night.h"
#include "store/store.h"
#include "tools/bedroomctl/report.h"

/* What became of a run, best first: the first of these with a record is the outcome. */
static const char *outcome_of(const struct report_adherence *a)
{
	if (a->done)
		return "done";
	if (a->started)
		return "started";
	if (a->skipped)
		return "skipped";
	if (a->cramp_left || a->cramp_right)
		return a->cramp_left ? "cramp left" : "cramp right";
	if (a->no_cramp)
		return "no cramp";
	if (a->ignored)
		return "ignored";
	if (a->not_sent)
		return "not sent";
	return a->snoozed ? "snoozed" : "sent";
}

/* Counts @record into @a (one run's records); false for one the report does not know. */
static bool count(struct report_adherence *a, const char *record)
{
	static const struct {
		const char *name;
		size_t offset;
	} fields[] = {
		{ "sent", offsetof(struct report_adherence, sent) },
		{ "started", offsetof(struct report_adherence, started) },
		{ "done", offsetof(struct report_adherence, done) },
		{ "snoozed", offsetof(struct report_adherence, snoozed) },
		{ "skipped", offsetof(struct report_adherence, skipped) },
		{ "ignored", offsetof(struct report_adherence, ignored) },
		{ "missed", offsetof(struct report_adherence, not_sent) },
		{ "in_bed", offsetof(struct report_adherence, not_sent) },
		{ "no_cramp", offsetof(struct report_adherence, no_cramp) },
		{ "cramp_left", offsetof(struct report_adherence, cramp_left) },
		{ "cramp_right", offsetof(struct report_adherence, cramp_right) },
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strcmp(record, fields[i].name) == 0) {
			(*(unsigned *) ((char *) a + fields[i].offset))++;
			return true;
		}
	return false;
}

/* Adds the run whose records @run counted to @to: once in each count it has records of. */
static void add_run(struct report_adherence *to, const struct report_adherence *run)
{
	to->sent += run->sent > 0;
	to->started += run->started > 0;
	to->done += run->done > 0;
	to->snoozed += run->snoozed > 0;
	to->skipped += run->skipped > 0;
	to->ignored += run->ignored > 0;
	to->not_sent += run->not_sent > 0;
	to->no_cramp += run->no_cramp > 0;
	to->cramp_left += run->cramp_left > 0;
	to->cramp_right += run->cramp_right > 0;
	to->snoozes += run->snoozed;
}

static void add_counts(struct report_adherence *to, const struct report_adherence *from)
{
	to->sent += from->sent;
	to->started += from->started;
	to->done += from->done;
	to->snoozed += from->snoozed;
	to->skipped += from->skipped;
	to->ignored += from->ignored;
	to->not_sent += from->not_sent;
	to->no_cramp += from->no_cramp;
	to->cramp_left += from->cramp_left;
	to->cramp_right += from->cramp_right;
	to->snoozes += from->snoozes;
	to->nights++;
}

static int by_night_then_name(const void *a, const void *b)
{
	const struct report_adherence *x = a, *y = b;

	if (x->night != y->night)
		return x->night < y->night ? -1 : 1;
	return strcmp(x->reminder, y->reminder);
}

/* The entry of @name on @night, added when missing; NULL when out of memory. */
static struct report_adherence *entry(struct report *r, const char *name, int64_t night)
{
	struct report_adherence *grown;

	for (size_t i = 0; i < r->n_adherence; i++)
		if (r->adherence[i].night == night && strcmp(r->adherence[i].reminder, name) == 0)
			return &r->adherence[i];
	grown = realloc(r->adherence, (r->n_adherence + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	r->adherence = grown;
	grown = &r->adherence[r->n_adherence++];
	*grown = (struct report_adherence){ .night = night };
	snprintf(grown->reminder, sizeof(grown->reminder), "%s", name);
	return grown;
}

static int totals(struct report *r)
{
	for (size_t i = 0; i < r->n_adherence; i++) {
		const struct report_adherence *a = &r->adherence[i];
		struct report_adherence *t = NULL, *grown;

		for (size_t k = 0; k < r->n_reminders && !t; k++)
			if (strcmp(r->reminders[k].reminder, a->reminder) == 0)
				t = &r->reminders[k];
		if (!t) {
			grown = realloc(r->reminders, (r->n_reminders + 1) * sizeof(*grown));
			if (!grown)
				return -ENOMEM;
			r->reminders = grown;
			t = &r->reminders[r->n_reminders++];
			*t = (struct report_adherence){ .outcome = "" };
			memcpy(t->reminder, a->reminder, sizeof(t->reminder));
		}
		add_counts(t, a);
	}
	if (r->n_reminders > 1)
		qsort(r->reminders, r->n_reminders, sizeof(*r->reminders), by_night_then_name);
	return 0;
}

/* One run: the records it has (counted as records), and its night's entry. */
struct run {
	const char *id;
	size_t entry; /* into report.adherence */
	struct report_adherence records;
};

/* The run @id of entry @entry in @runs, added when missing; NULL when out of memory. */
static struct run *run_of(struct run **runs, size_t *n_runs, const char *id, size_t entry)
{
	struct run *grown;

	for (size_t i = *n_runs; i-- > 0;) /* its records are close together */
		if ((*runs)[i].entry == entry && strcmp((*runs)[i].id, id) == 0)
			return &(*runs)[i];
	grown = realloc(*runs, (*n_runs + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	*runs = grown;
	grown = &(*runs)[(*n_runs)++];
	*grown = (struct run){ .id = id, .entry = entry };
	return grown;
}

int report_read_adherence(struct store *s, struct report *r, int64_t from_s, int64_t to_s)
{
	struct store_reminder_record *records = NULL;
	struct run *runs = NULL, *run;
	size_t n_runs = 0;
	int n, ret = 0;

	n = store_reminder_records_read_range(s, from_s, to_s, &records);
	if (n < 0)
		return n;
	for (int i = 0; i < n && ret == 0; i++) {
		const struct store_reminder_record *x = &records[i];
		int64_t night = cramp_night_of(x->slot ? x->slot : x->time, x->tz_offset_s);
		struct report_adherence *a;

		if (night < r->first_night || night > r->last_night)
			continue;
		a = entry(r, x->reminder, night);
		run = a ? run_of(&runs, &n_runs, x->run_id, (size_t) (a - r->adherence)) : NULL;
		if (!run)
			ret = -ENOMEM;
		else
			(void) count(&run->records, x->record);
	}
	for (size_t i = 0; i < n_runs && ret == 0; i++)
		add_run(&r->adherence[runs[i].entry], &runs[i].records);
	free(runs);
	store_reminder_records_free(records, (size_t) n);
	if (ret < 0)
		return ret;
	if (r->n_adherence > 1)
		qsort(r->adherence, r->n_adherence, sizeof(*r->adherence), by_night_then_name);
	for (size_t i = 0; i < r->n_adherence; i++) {
		struct report_night *night = &r->nights[r->adherence[i].night - r->first_night];

		r->adherence[i].outcome = outcome_of(&r->adherence[i]);
		if (night->n_adherence++ == 0)
			night->first_adherence = i;
	}
	return totals(r);
}

void report_night_reminders(const struct report *r, const struct report_night *n, char *buf,
			    size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = n->first_adherence; i < n->first_adherence + n->n_adherence; i++) {
		const struct report_adherence *a = &r->adherence[i];

		if (used >= size)
			break;
		used += (size_t) snprintf(buf + used, size - used, "%s%s %s", used ? ", " : "",
					  a->reminder, a->outcome);
		/* How often, for a run still snoozed too ("tea snoozed 3 times"). */
		if (a->snoozes > 1 && strcmp(a->outcome, "snoozed") == 0 && used < size)
			used += (size_t) snprintf(buf + used, size - used, " %u times", a->snoozes);
		else if (a->snoozes && strcmp(a->outcome, "snoozed") != 0 && used < size)
			used +=
			    (size_t) snprintf(buf + used, size - used, " (snoozed %u)", a->snoozes);
	}
}
