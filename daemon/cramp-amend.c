/* A report that repeats a logged cramp and knows more: the cramp is amended. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/clock.h"
#include "daemon/cramp-log-internal.h"
#include "daemon/log.h"
#include "store/store.h"

/* What a report adds to the logged cramp it repeats; borrowed strings, NULL: nothing. */
struct cramp_additions {
	const char *leg, *site, *note;
};

/* Whether @c is the logged cramp (not a suspicion) of @leg at @time_s. */
static bool is_logged(const struct store_cramp *c, int64_t time_s, const char *leg)
{
	return !c->suspected && c->time == time_s && strcmp(c->leg, leg) == 0;
}

/*
 * The logged cramp of @leg at @time_s, copied into *ret (store_cramp_clear() it),
 * from memory (where it waits while the store fails) or the store. Returns 0,
 * -ENOENT, or a negative errno.
 */
static int find_logged(struct cramp_log *l, int64_t time_s, const char *leg,
		       struct store_cramp *ret)
{
	struct store_cramp *list = NULL;
	int n, r = -ENOENT;

	for (size_t i = 0; i < l->n_memory; i++)
		if (is_logged(&l->memory[i], time_s, leg))
			return cramp_log_copy_cramp(ret, &l->memory[i]);
	if (!l->store)
		return -ENOENT;
	/* In time order from @time_s: it comes first, with any other of that second. */
	n = store_cramps_read(l->store, false, time_s, 16, &list);
	if (n < 0)
		return n;
	for (int i = 0; i < n && r == -ENOENT; i++)
		if (is_logged(&list[i], time_s, leg))
			r = cramp_log_copy_cramp(ret, &list[i]);
	store_cramps_free(list, (size_t) n);
	return r;
}

/*
 * What the report (@leg, @site, @note) adds to @logged, into *ret: a leg
 * where it was unknown, a site or a note where it had none. A detail it has
 * already is never changed: when the report says otherwise, that is logged.
 * Returns whether it adds anything.
 */
static bool additions(struct cramp_log *l, const struct store_cramp *logged, const char *leg,
		      const char *site, const char *note, const char *source, const char *when,
		      struct cramp_additions *ret)
{
	*ret = (struct cramp_additions){ 0 };
	if (strcmp(logged->leg, "unknown") == 0 && strcmp(leg, "unknown") != 0)
		ret->leg = leg;
	if (site && !logged->site)
		ret->site = site;
	else if (site && strcmp(site, logged->site) != 0)
		warn_limited(&l->repeats,
			     "cramp report (leg %s, from %s) says site '%s', the cramp of %s has "
			     "'%s': ignoring it",
			     leg, source, site, when, logged->site);
	if (note && !logged->note)
		ret->note = note;
	else if (note && strcmp(note, logged->note) != 0)
		warn_limited(
		    &l->repeats,
		    "cramp report (leg %s, from %s) has another note than the cramp of %s: "
		    "ignoring '%s'",
		    leg, source, when, note);
	return ret->leg || ret->site || ret->note;
}

/* Replaces *field with a copy of @value, when there is one. Returns 0 or -ENOMEM. */
static int fill_in(char **field, const char *value)
{
	char *copy;

	if (!value)
		return 0;
	copy = strdup(value);
	if (!copy)
		return -ENOMEM;
	free(*field);
	*field = copy;
	return 0;
}

/* store_cramp_amend() for a cramp that waits in memory. Returns 0 or a negative errno. */
static int amend_in_memory(struct cramp_log *l, const char *id, const struct cramp_additions *a)
{
	for (size_t i = 0; i < l->n_memory; i++) {
		struct store_cramp *c = &l->memory[i];

		if (strcmp(c->id, id) != 0)
			continue;
		if (fill_in(&c->leg, a->leg) < 0 || fill_in(&c->site, a->site) < 0 ||
		    fill_in(&c->note, a->note) < 0)
			return -ENOMEM;
		c->amended = true;
		c->delivered = false;
		return 0;
	}
	return -ENOENT;
}

/* "leg left, site thigh, note": what @a adds, for the journal. */
static void additions_text(const struct cramp_additions *a, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s%s%s", a->leg ? "leg " : "", a->leg ? a->leg : "",
		 a->site ? (a->leg ? ", site " : "site ") : "", a->site ? a->site : "",
		 a->note ? (a->leg || a->site ? ", note" : "note") : "");
}

/*
 * A report of a cramp logged already (@dup says which, from the tracker) that
 * may know more: what the cramp lacks is filled in, in the store (or in
 * memory) first, then in the tracker, whose advisories for the amended cramp
 * are raised; the cramp goes out again with its id and "amended": true. Its
 * 7-day count stays. A report that adds nothing changes nothing. @confirmed:
 * the suspected cramp that the repeated one confirmed, or NULL. Returns 0 or a
 * negative errno (nothing changed then).
 */
int cramp_log_amend(struct cramp_log *l, const struct cramp_tracker_result *dup,
		    const char *confirmed, const char *leg, const char *site, const char *note,
		    int64_t time_s, const char *source, uint64_t now_usec)
{
	/* The tracked cramp itself: a confirming report may come hours after it. */
	struct cramp_tracker_cramp tc = { .time_s = dup->duplicate_of_s };
	struct cramp_tracker_result res;
	struct store_cramp logged = { 0 };
	struct cramp_additions add;
	char iso[40], when[8], what[sizeof("leg unknown, site buttock, note")];
	bool bare;
	int r;

	(void) clock_format_offset(dup->duplicate_of_s, clock_local_offset_s(dup->duplicate_of_s),
				   iso, sizeof(iso));
	snprintf(when, sizeof(when), "%.5s", strlen(iso) > 11 ? iso + 11 : "?");
	/* A report with no detail (a stuck button's {}, a flood of them) adds nothing: no read. */
	bare = strcmp(leg, "unknown") == 0 && !site && !note;
	r = bare ? 0
		 : find_logged(l, dup->duplicate_of_s, cramp_leg_to_string(dup->duplicate_leg),
			       &logged);
	if (r < 0) {
		log_warning_errno(r,
				  "cramp report (leg %s, from %s): cannot read the cramp of %s "
				  "it repeats; not logged again",
				  leg, source, when);
		return r;
	}
	if (bare || !additions(l, &logged, leg, site, note, source, when, &add)) {
		if (confirmed)
			warn_limited(&l->repeats,
				     "cramp report (leg %s, from %s) is the cramp that already "
				     "confirmed '%s': not logged again",
				     leg, source, confirmed);
		else if (time_s == dup->duplicate_of_s) /* a repeat: a broker's replay, say */
			warn_limited(
			    &l->repeats,
			    "cramp report (leg %s, from %s) repeats the cramp logged at %s: "
			    "not logged again",
			    leg, source, when);
		else /* the one logged may be dated after this report: how far, and which way */
			warn_limited(&l->repeats,
				     "cramp report (leg %s, from %s) is the same cramp as the one "
				     "%lld s %s: not logged again",
				     leg, source,
				     (long long) (time_s > dup->duplicate_of_s
						      ? time_s - dup->duplicate_of_s
						      : dup->duplicate_of_s - time_s),
				     time_s > dup->duplicate_of_s ? "before" : "after");
		goto out;
	}
	/* Where find_logged() found it: waiting in memory, or else in the store. */
	r = amend_in_memory(l, logged.id, &add);
	if (r == -ENOENT)
		r = l->store ? store_cramp_amend(l->store, logged.id, add.leg, add.site, add.note)
			     : -ENODEV;
	if (r < 0) {
		log_error_errno(r,
				"cramp log: cannot amend cramp '%s'; the report's detail is lost",
				logged.id);
		goto out;
	}
	additions_text(&add, what, sizeof(what));
	log_info("cramp report (leg %s, from %s) adds %s to the cramp of %s: amended", leg, source,
		 what, when);
	for (unsigned i = 0; i < l->n_flight; i++)
		if (strcmp(l->flight[i].id, logged.id) == 0)
			l->flight[i].outdated = true;
	/* The broker has the old version only: the amended one is to go. */
	cramp_log_forget_acked(l, logged.id);
	(void) cramp_leg_from_string(leg, &tc.leg);
	if (site)
		(void) cramp_site_from_string(site, &tc.site);
	/* A suspicion it confirmed now knows its leg: a later report is judged by it. */
	if (add.leg)
		cramp_confirm_leg_amended(&l->suspects, dup->duplicate_of_s, dup->duplicate_leg,
					  tc.leg);
	r = cramp_tracker_amend(l->tracker, dup->duplicate_of_s, dup->duplicate_leg, &tc, &res);
	if (r < 0)
		log_warning_errno(r, "cramp log: cannot judge the amended cramp's advisories");
	for (unsigned i = 0; r >= 0 && i < res.n_advisories; i++)
		cramp_log_advise(l, &res.advisories[i], now_usec);
	r = 0;
	cramp_log_pump(l);
out:
	store_cramp_clear(&logged);
	return r;
}

int cramp_log_retime(struct cramp_log *l, int64_t of_s, enum cramp_leg of_leg, int64_t to_s)
{
	struct store_cramp logged = { 0 };
	int tz = clock_local_offset_s(to_s);
	int r = find_logged(l, of_s, cramp_leg_to_string(of_leg), &logged);

	if (r < 0)
		goto out;
	r = -ENOENT;
	for (size_t i = 0; i < l->n_memory && r == -ENOENT; i++)
		if (strcmp(l->memory[i].id, logged.id) == 0) {
			l->memory[i].time = to_s;
			l->memory[i].tz_offset_s = tz;
			l->memory[i].amended = true;
			l->memory[i].delivered = false;
			r = 0;
		}
	if (r == -ENOENT)
		r = l->store ? store_cramp_retime(l->store, logged.id, to_s, tz) : -ENODEV;
	if (r < 0)
		goto out;
	for (unsigned i = 0; i < l->n_flight; i++)
		if (strcmp(l->flight[i].id, logged.id) == 0)
			l->flight[i].outdated = true;
	cramp_log_forget_acked(l, logged.id);
	if (cramp_tracker_retime(l->tracker, of_s, of_leg, to_s) < 0)
		log_warning("cramp log: the tracker does not hold cramp '%s' to move it",
			    logged.id);
out:
	if (r < 0)
		log_warning_errno(r, "cramp log: cannot give the cramp its reporter's time");
	store_cramp_clear(&logged);
	return r;
}
