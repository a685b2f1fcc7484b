/* The cramp tracker: de-duplication, the 7-day count, advisories once per crossing. */
#include "control/cramp-tracker.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "control/cramp-defaults.h"

#define DAY_S ((int64_t) 24 * 3600)

struct cramp_fired {
	enum cramp_advisory_kind kind;
	int64_t time_s;
};

struct cramp_tracker {
	struct cramp_tracker_params params; /* message[] points into messages[] */
	char *messages[_CRAMP_ADVISORY_KIND_MAX];
	struct cramp_tracker_cramp *cramps; /* in time order; equal times in arrival order */
	size_t n_cramps, cap_cramps;
	struct cramp_fired *fired;
	size_t n_fired, cap_fired;
};

void cramp_tracker_params_default(struct cramp_tracker_params *ret)
{
	assert(ret);
	*ret = (struct cramp_tracker_params){
		.dedup_window_s = CRAMP_DEFAULT_DEDUP_WINDOW_S,
		.frequency_max = 3,
		.frequency_window_s = 7 * DAY_S,
		.one_sided_run = 3,
		.one_sided_window_s = 14 * DAY_S,
		.spread_window_s = 7 * DAY_S,
		.history_s = 56 * DAY_S,
	};
}

int cramp_tracker_set_params(struct cramp_tracker *t, const struct cramp_tracker_params *params)
{
	struct cramp_tracker_params defaults;
	char *messages[_CRAMP_ADVISORY_KIND_MAX] = {};

	assert(t);
	if (!params) {
		cramp_tracker_params_default(&defaults);
		params = &defaults;
	}
	if (params->dedup_window_s < 0 || params->frequency_window_s <= 0 ||
	    params->one_sided_run == 0 || params->one_sided_window_s <= 0 ||
	    params->spread_window_s <= 0 || params->history_s <= 0)
		return -EINVAL;
	/* All the wording first: on -ENOMEM the tracker keeps what it had. */
	for (int k = 0; k < _CRAMP_ADVISORY_KIND_MAX; k++) {
		const char *m = params->message[k];

		messages[k] = strdup(m ? m : cramp_advisory_default_message(k));
		if (!messages[k]) {
			for (int j = 0; j < k; j++)
				free(messages[j]);
			return -ENOMEM;
		}
	}
	t->params = *params;
	for (int k = 0; k < _CRAMP_ADVISORY_KIND_MAX; k++) {
		free(t->messages[k]);
		t->messages[k] = messages[k];
		t->params.message[k] = t->messages[k];
	}
	return 0;
}

int cramp_tracker_new(const struct cramp_tracker_params *params, struct cramp_tracker **ret)
{
	struct cramp_tracker *t;
	int r;

	assert(ret);
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	r = cramp_tracker_set_params(t, params);
	if (r < 0) {
		free(t);
		return r;
	}
	*ret = t;
	return 0;
}

struct cramp_tracker *cramp_tracker_free(struct cramp_tracker *t)
{
	if (!t)
		return NULL;
	for (int k = 0; k < _CRAMP_ADVISORY_KIND_MAX; k++)
		free(t->messages[k]);
	free(t->cramps);
	free(t->fired);
	free(t);
	return NULL;
}

static int reserve(void **array, size_t *cap, size_t need, size_t size)
{
	size_t n;
	void *p;

	if (need <= *cap)
		return 0;
	n = *cap ? *cap * 2 : 16;
	while (n < need)
		n *= 2;
	p = realloc(*array, n * size);
	if (!p)
		return -ENOMEM;
	*array = p;
	*cap = n;
	return 0;
}

static int reserve_cramps(struct cramp_tracker *t, size_t need)
{
	return reserve((void **) &t->cramps, &t->cap_cramps, need, sizeof(*t->cramps));
}

static int reserve_fired(struct cramp_tracker *t, size_t need)
{
	return reserve((void **) &t->fired, &t->cap_fired, need, sizeof(*t->fired));
}

/* Inserts in time order (after any of the same time); returns the index. Capacity is there. */
static size_t insert(struct cramp_tracker *t, const struct cramp_tracker_cramp *c)
{
	size_t i = t->n_cramps;

	while (i > 0 && t->cramps[i - 1].time_s > c->time_s)
		i--;
	memmove(t->cramps + i + 1, t->cramps + i, (t->n_cramps - i) * sizeof(*t->cramps));
	t->cramps[i] = *c;
	t->n_cramps++;
	return i;
}

/*
 * Forgets what is older than @before: cramps, and the advisories that fired.
 */
static void prune_before(struct cramp_tracker *t, int64_t before)
{
	size_t drop = 0, keep = 0;

	while (drop < t->n_cramps && t->cramps[drop].time_s < before)
		drop++;
	memmove(t->cramps, t->cramps + drop, (t->n_cramps - drop) * sizeof(*t->cramps));
	t->n_cramps -= drop;
	for (size_t i = 0; i < t->n_fired; i++)
		if (t->fired[i].time_s >= before)
			t->fired[keep++] = t->fired[i];
	t->n_fired = keep;
}

/*
 * Forgets what is older by more than history_s than the newest cramp not after
 * @now_s. A cramp dated ahead of now (logged while a bad NTP source had the
 * clock wrongly ahead) is not "now": measured from it, the real cramps would
 * look old and be forgotten.
 */
static void prune(struct cramp_tracker *t, int64_t now_s)
{
	size_t i = t->n_cramps;

	while (i > 0 && t->cramps[i - 1].time_s > now_s)
		i--;
	if (i > 0)
		prune_before(t, t->cramps[i - 1].time_s - t->params.history_s);
}

/*
 * After cramp_tracker_add() of the cramp at @i: forgets what is older than
 * history_s before it and before the newest of the others (@before_newest,
 * INT64_MAX when it was the first). A diary of more than history_s typed in
 * newest first is kept whole while it is typed in, so that its older cramps
 * are judged with the ones after them (they were forgotten at once, and a bad
 * week ten weeks back never fired); the next cramp reported at its time
 * forgets them again. A cramp dated far ahead of all the others (a clock
 * wrongly ahead: bad NTP) forgets nothing: measured from its time the real
 * ones would all look old, and they would be gone once the clock is right.
 */
static void prune_after_add(struct cramp_tracker *t, int64_t time_s, int64_t before_newest)
{
	prune_before(t, (time_s < before_newest ? time_s : before_newest) - t->params.history_s);
}

int cramp_tracker_load(struct cramp_tracker *t, const struct cramp_tracker_cramp *c, int64_t now_s)
{
	int r = reserve_cramps(t, t->n_cramps + 1);

	assert(t);
	if (r < 0)
		return r;
	insert(t, c);
	prune(t, now_s);
	return 0;
}

int cramp_tracker_load_advisory(struct cramp_tracker *t, enum cramp_advisory_kind kind,
				int64_t time_s)
{
	int r = reserve_fired(t, t->n_fired + 1);

	assert(t);
	if (r < 0)
		return r;
	t->fired[t->n_fired++] = (struct cramp_fired){ .kind = kind, .time_s = time_s };
	return 0;
}

static bool is_spread(enum cramp_site site)
{
	return site == CRAMP_SITE_THIGH || site == CRAMP_SITE_BUTTOCK;
}

/* Cramps (or only those that spread) with time in (x - window_s, x]. */
static unsigned count_at(const struct cramp_tracker *t, int64_t x, int64_t window_s,
			 bool spread_only)
{
	unsigned n = 0;

	for (size_t i = 0; i < t->n_cramps; i++) {
		const struct cramp_tracker_cramp *c = t->cramps + i;

		if (c->time_s > x)
			break;
		if (c->time_s > x - window_s && (!spread_only || is_spread(c->site)))
			n++;
	}
	return n;
}

/*
 * True when the count stays above @max at every instant of [a, b]. It only
 * falls when a cramp leaves the window, at its time + window_s: look there.
 */
static bool above_throughout(const struct cramp_tracker *t, int64_t a, int64_t b, int64_t window_s,
			     unsigned max, bool spread_only)
{
	if (count_at(t, a, window_s, spread_only) <= max)
		return false;
	for (size_t i = 0; i < t->n_cramps; i++) {
		const struct cramp_tracker_cramp *c = t->cramps + i;
		int64_t leaves = c->time_s + window_s;

		if (spread_only && !is_spread(c->site))
			continue;
		if (leaves > a && leaves <= b && count_at(t, leaves, window_s, spread_only) <= max)
			return false;
	}
	return true;
}

/* Whether an advisory of @kind fired in the same count episode as @time_s. */
static bool fired_in_count_episode(const struct cramp_tracker *t, enum cramp_advisory_kind kind,
				   int64_t time_s, int64_t window_s, unsigned max, bool spread_only)
{
	for (size_t i = 0; i < t->n_fired; i++) {
		int64_t f = t->fired[i].time_s;

		if (t->fired[i].kind != kind)
			continue;
		if (above_throughout(t, f < time_s ? f : time_s, f < time_s ? time_s : f, window_s,
				     max, spread_only))
			return true;
	}
	return false;
}

/* Whether the cramp at @i ends a one-sided run: the last N with a leg, on its leg, in the window.
 */
static bool one_sided_at(const struct cramp_tracker *t, size_t i)
{
	const struct cramp_tracker_cramp *c = t->cramps + i;
	unsigned k = 0;

	if (c->leg == CRAMP_LEG_UNKNOWN)
		return false;
	for (size_t j = i + 1; j-- > 0;) {
		const struct cramp_tracker_cramp *o = t->cramps + j;

		if (o->leg == CRAMP_LEG_UNKNOWN)
			continue;
		if (o->leg != c->leg || c->time_s - o->time_s > t->params.one_sided_window_s)
			return false;
		if (++k == t->params.one_sided_run)
			return true;
	}
	return false;
}

/* Whether a one-sided advisory fired within the episode (consecutive runs) around @i. */
static bool fired_in_one_sided_episode(const struct cramp_tracker *t, size_t i)
{
	int64_t start = t->cramps[i].time_s, end = start;

	for (size_t j = i; j-- > 0;) {
		if (t->cramps[j].leg == CRAMP_LEG_UNKNOWN)
			continue;
		if (!one_sided_at(t, j))
			break;
		start = t->cramps[j].time_s;
	}
	for (size_t j = i + 1; j < t->n_cramps; j++) {
		if (t->cramps[j].leg == CRAMP_LEG_UNKNOWN)
			continue;
		if (!one_sided_at(t, j))
			break;
		end = t->cramps[j].time_s;
	}
	for (size_t k = 0; k < t->n_fired; k++)
		if (t->fired[k].kind == CRAMP_ADVISORY_KIND_ONE_SIDED &&
		    t->fired[k].time_s >= start && t->fired[k].time_s <= end)
			return true;
	return false;
}

static bool legs_match(enum cramp_leg a, enum cramp_leg b)
{
	return a == b || a == CRAMP_LEG_UNKNOWN || b == CRAMP_LEG_UNKNOWN;
}

static void raise_advisory(struct cramp_tracker_result *res, const struct cramp_tracker *t,
			   enum cramp_advisory_kind kind, const struct cramp_tracker_cramp *c,
			   unsigned count)
{
	res->advisories[res->n_advisories++] = (struct cramp_advisory){
		.kind = kind,
		.time_s = c->time_s,
		.count = count,
		.leg = c->leg,
		.message = t->params.message[kind],
	};
}

/* The tracked cramp that @c is a report of (see the header), or -1: the first in time order. */
static ssize_t find_duplicate(const struct cramp_tracker *t, const struct cramp_tracker_cramp *c)
{
	for (size_t i = 0; i < t->n_cramps; i++) {
		const struct cramp_tracker_cramp *o = t->cramps + i;

		if (llabs(o->time_s - c->time_s) <= t->params.dedup_window_s &&
		    legs_match(o->leg, c->leg))
			return (ssize_t) i;
	}
	return -1;
}

/* What a duplicate of the tracked cramp @i says, before any amendment. */
static struct cramp_tracker_result duplicate_result(const struct cramp_tracker *t, size_t i)
{
	const struct cramp_tracker_cramp *o = t->cramps + i;

	return (struct cramp_tracker_result){
		.duplicate = true,
		.duplicate_of_s = o->time_s,
		.duplicate_leg = o->leg,
		.duplicate_site = o->site,
		.count_7d = count_at(t, o->time_s, t->params.frequency_window_s, false),
	};
}

/* The first instant after @y at which the count is back to @max or fewer, or INT64_MAX. */
static int64_t episode_end(const struct cramp_tracker *t, int64_t y, int64_t window_s, unsigned max)
{
	/* In time order, so the times at which they leave the window are in order too. */
	for (size_t i = 0; i < t->n_cramps; i++) {
		int64_t leaves = t->cramps[i].time_s + window_s;

		if (leaves > y && count_at(t, leaves, window_s, false) <= max)
			return leaves;
	}
	return INT64_MAX;
}

/*
 * The frequency advisory the new cramp @i raises: the count rises by one in
 * every window that holds it, those ending in [its time, its time + window).
 * The first instant there at which the count is above frequency_max, in an
 * episode that has not fired, is where it crossed: the advisory takes that
 * time and count. The count only rises at a cramp's time: look there. Later
 * cramps matter only for one remembered after them; the rest of an episode
 * that fired is skipped, not judged cramp by cramp (a diary of 560 cramps typed
 * in newest first took 1.6 s without that).
 */
static void judge_frequency(const struct cramp_tracker *t, size_t i,
			    struct cramp_tracker_result *res)
{
	const struct cramp_tracker_params *p = &t->params;
	int64_t end = t->cramps[i].time_s + p->frequency_window_s;
	int64_t told_until = INT64_MIN; /* the end of an episode that fired */

	for (size_t j = i; j < t->n_cramps && t->cramps[j].time_s < end; j++) {
		const struct cramp_tracker_cramp *c = t->cramps + j;
		unsigned n;

		if (j > i && c->time_s == t->cramps[j - 1].time_s)
			continue; /* the same instant, counted already */
		if (c->time_s < told_until)
			continue;
		n = count_at(t, c->time_s, p->frequency_window_s, false);
		if (n <= p->frequency_max)
			continue;
		if (!fired_in_count_episode(t, CRAMP_ADVISORY_KIND_FREQUENCY, c->time_s,
					    p->frequency_window_s, p->frequency_max, false)) {
			raise_advisory(res, t, CRAMP_ADVISORY_KIND_FREQUENCY, c, n);
			return;
		}
		told_until = episode_end(t, c->time_s, p->frequency_window_s, p->frequency_max);
	}
}

/*
 * The one-sided advisory the cramp @i, whose leg became known (new, or
 * amended), raises. Its leg is in the last one_sided_run legged cramps of
 * itself and of the one_sided_run - 1 legged ones after it: each of those may
 * now end a run, or no longer end one. The one_sided_run-th after it ends the
 * same run as before, but the episode it is in may have been split off from
 * one that fired (a right cramp remembered into a left run). Beyond that,
 * nothing changed. The first of these that ends a run in an episode that has
 * not fired raises it, with its time and leg.
 */
static void judge_one_sided(const struct cramp_tracker *t, size_t i,
			    struct cramp_tracker_result *res)
{
	unsigned after = 0;

	if (t->cramps[i].leg == CRAMP_LEG_UNKNOWN)
		return;
	for (size_t j = i; j < t->n_cramps; j++) {
		if (t->cramps[j].leg == CRAMP_LEG_UNKNOWN)
			continue;
		if (one_sided_at(t, j) && !fired_in_one_sided_episode(t, j)) {
			raise_advisory(res, t, CRAMP_ADVISORY_KIND_ONE_SIDED, t->cramps + j,
				       t->params.one_sided_run);
			return;
		}
		if (j > i && ++after == t->params.one_sided_run)
			return;
	}
}

/*
 * The one-sided and spread advisories the tracked cramp @i raises now, once
 * per episode. Spread needs no look at later cramps: the windows that hold a
 * spread cramp form one stretch in which the spread count is above 0, so one
 * episode holds them all, the one at the cramp's own time.
 */
static void judge_leg_and_site(const struct cramp_tracker *t, size_t i,
			       struct cramp_tracker_result *res)
{
	const struct cramp_tracker_cramp *c = t->cramps + i;

	judge_one_sided(t, i, res);
	if (is_spread(c->site) && !fired_in_count_episode(t, CRAMP_ADVISORY_KIND_SPREAD, c->time_s,
							  t->params.spread_window_s, 0, true))
		raise_advisory(res, t, CRAMP_ADVISORY_KIND_SPREAD, c, 1);
}

/* Counts the advisories in @res as fired. Capacity is there. */
static void mark_fired(struct cramp_tracker *t, const struct cramp_tracker_result *res)
{
	for (unsigned k = 0; k < res->n_advisories; k++)
		t->fired[t->n_fired++] = (struct cramp_fired){
			.kind = res->advisories[k].kind,
			.time_s = res->advisories[k].time_s,
		};
}

int cramp_tracker_add(struct cramp_tracker *t, const struct cramp_tracker_cramp *c,
		      struct cramp_tracker_result *ret)
{
	const struct cramp_tracker_params *p = &t->params;
	struct cramp_tracker_result res = { 0 };
	int64_t before_newest;
	ssize_t dup;
	size_t i;
	int r;

	assert(t);
	assert(ret);
	dup = find_duplicate(t, c);
	if (dup >= 0) {
		*ret = duplicate_result(t, (size_t) dup);
		return 0;
	}

	r = reserve_cramps(t, t->n_cramps + 1);
	if (r < 0)
		return r;
	r = reserve_fired(t, t->n_fired + _CRAMP_ADVISORY_KIND_MAX);
	if (r < 0)
		return r;

	before_newest = t->n_cramps > 0 ? t->cramps[t->n_cramps - 1].time_s : INT64_MAX;
	i = insert(t, c);
	res.count_7d = count_at(t, c->time_s, p->frequency_window_s, false);
	judge_frequency(t, i, &res);
	judge_leg_and_site(t, i, &res);
	mark_fired(t, &res);
	prune_after_add(t, c->time_s, before_newest);
	*ret = res;
	return 0;
}

int cramp_tracker_amend(struct cramp_tracker *t, int64_t of_s, enum cramp_leg of_leg,
			const struct cramp_tracker_cramp *c, struct cramp_tracker_result *ret)
{
	struct cramp_tracker_cramp *o;
	struct cramp_tracker_result res;
	bool changed = false;
	ssize_t dup = -1;
	int r;

	assert(t);
	assert(ret);
	for (size_t i = 0; i < t->n_cramps && dup < 0; i++)
		if (t->cramps[i].time_s == of_s && t->cramps[i].leg == of_leg)
			dup = (ssize_t) i;
	if (dup < 0)
		return -ENOENT;
	r = reserve_fired(t, t->n_fired + _CRAMP_ADVISORY_KIND_MAX);
	if (r < 0)
		return r;

	o = t->cramps + dup;
	res = duplicate_result(t, (size_t) dup);
	/* Only what was not known: the report never overwrites (a differing site is ignored). */
	if (o->leg == CRAMP_LEG_UNKNOWN && c->leg != CRAMP_LEG_UNKNOWN) {
		o->leg = c->leg;
		changed = true;
	}
	if (o->site == CRAMP_SITE_UNKNOWN && c->site != CRAMP_SITE_UNKNOWN) {
		o->site = c->site;
		changed = true;
	}
	/* The count is what it was: the frequency advisory was judged when the cramp came. */
	if (changed)
		judge_leg_and_site(t, (size_t) dup, &res);
	mark_fired(t, &res);
	*ret = res;
	return changed ? 1 : 0;
}

int cramp_tracker_retime(struct cramp_tracker *t, int64_t of_s, enum cramp_leg of_leg, int64_t to_s)
{
	struct cramp_tracker_cramp c;

	assert(t);
	for (size_t i = 0; i < t->n_cramps; i++) {
		if (t->cramps[i].time_s != of_s || t->cramps[i].leg != of_leg)
			continue;
		c = t->cramps[i];
		c.time_s = to_s;
		memmove(t->cramps + i, t->cramps + i + 1,
			(t->n_cramps - i - 1) * sizeof(*t->cramps));
		t->n_cramps--;
		insert(t, &c); /* the room it left is there */
		return 0;
	}
	return -ENOENT;
}

int64_t cramp_tracker_dedup_window_s(const struct cramp_tracker *t)
{
	assert(t);
	return t->params.dedup_window_s;
}

unsigned cramp_tracker_count(const struct cramp_tracker *t, int64_t now_s)
{
	assert(t);
	return count_at(t, now_s, t->params.frequency_window_s, false);
}

bool cramp_tracker_has_near(const struct cramp_tracker *t, int64_t time_s, int64_t window_s)
{
	assert(t);
	for (size_t i = 0; i < t->n_cramps; i++)
		if (llabs(t->cramps[i].time_s - time_s) <= window_s)
			return true;
	return false;
}

int cramp_tracker_last(const struct cramp_tracker *t, int64_t *ret_s)
{
	assert(t);
	assert(ret_s);
	if (t->n_cramps == 0)
		return -ENODATA;
	*ret_s = t->cramps[t->n_cramps - 1].time_s;
	return 0;
}
