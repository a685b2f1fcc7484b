#include "control/cramp-confirm.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

void cramp_confirm_init(struct cramp_confirm *c, int64_t window_s, int64_t live_s)
{
	assert(c);
	*c = (struct cramp_confirm){ .window_s = window_s, .live_s = live_s };
}

void cramp_confirm_set_windows(struct cramp_confirm *c, int64_t window_s, int64_t live_s)
{
	assert(c);
	c->window_s = window_s;
	c->live_s = live_s;
}

static void forget(struct cramp_confirm *c, size_t i)
{
	free(c->e[i].id);
	memmove(&c->e[i], &c->e[i + 1], (c->n - i - 1) * sizeof(c->e[0]));
	c->n--;
}

void cramp_confirm_clear(struct cramp_confirm *c)
{
	assert(c);
	while (c->n > 0)
		forget(c, c->n - 1);
}

int cramp_confirm_add(struct cramp_confirm *c, const char *id, int64_t time_s)
{
	char *copy = strdup(id);

	assert(c);
	if (!copy)
		return -ENOMEM;
	if (c->n == CRAMP_CONFIRM_KEEP)
		forget(c, 0);
	c->e[c->n++] = (struct cramp_confirm_entry){ .id = copy, .time_s = time_s };
	return 0;
}

void cramp_confirm_mark(struct cramp_confirm *c, const char *id, enum cramp_leg leg,
			int64_t report_s)
{
	assert(c);
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->e[i].id, id) == 0) {
			c->e[i].confirmed = true;
			c->e[i].leg = leg;
			c->e[i].confirmed_by_s = report_s;
		}
}

void cramp_confirm_leg_amended(struct cramp_confirm *c, int64_t report_s, enum cramp_leg from,
			       enum cramp_leg to)
{
	assert(c);
	for (size_t i = 0; i < c->n; i++)
		if (c->e[i].confirmed && c->e[i].confirmed_by_s == report_s && c->e[i].leg == from)
			c->e[i].leg = to;
}

const struct cramp_confirm_entry *cramp_confirm_get(const struct cramp_confirm *c, const char *id)
{
	assert(c);
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->e[i].id, id) == 0)
			return &c->e[i];
	return NULL;
}

static bool legs_match(enum cramp_leg a, enum cramp_leg b)
{
	return a == b || a == CRAMP_LEG_UNKNOWN || b == CRAMP_LEG_UNKNOWN;
}

enum cramp_confirm_verdict cramp_confirm_judge(const struct cramp_confirm *c, int64_t time_s,
					       int64_t now_s, enum cramp_leg leg,
					       const char **ret_id)
{
	bool remembered = now_s - time_s > c->live_s;
	int64_t best = -1, best_distance = 0;

	assert(ret_id);
	/*
	 * A confirmed one of a matching leg first: the same cramp remembered again is
	 * one cramp. Its time is a memory, so the whole window counts.
	 */
	for (size_t i = 0; remembered && i < c->n; i++) {
		int64_t d = llabs(c->e[i].time_s - time_s);

		if (c->e[i].confirmed && d <= c->window_s && legs_match(c->e[i].leg, leg)) {
			*ret_id = c->e[i].id;
			return CRAMP_CONFIRM_DUPLICATE;
		}
	}
	for (size_t i = 0; i < c->n; i++) {
		int64_t d = llabs(c->e[i].time_s - time_s);

		if (!c->e[i].confirmed && d <= c->window_s && (best < 0 || d < best_distance)) {
			best = (int64_t) i;
			best_distance = d;
		}
	}
	if (best < 0)
		return CRAMP_CONFIRM_NONE;
	*ret_id = c->e[best].id;
	return CRAMP_CONFIRM_CONFIRMS;
}

bool cramp_receipt_same(const struct cramp_receipt *last, bool clock_set, uint64_t received_usec,
			int64_t window_s, enum cramp_leg leg)
{
	uint64_t window_usec = window_s > 0 ? (uint64_t) window_s * 1000000u : 0;

	if (clock_set || !last->known || received_usec < last->received_usec)
		return false;
	if (received_usec - last->received_usec > window_usec)
		return false;
	return leg == last->leg || leg == CRAMP_LEG_UNKNOWN || last->leg == CRAMP_LEG_UNKNOWN;
}

int64_t cramp_receipt_time(const struct cramp_receipt *last, int64_t time_s, bool own_time)
{
	return own_time && !last->own_time ? time_s : last->time_s;
}
