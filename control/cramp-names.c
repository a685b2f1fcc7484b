/* The names of legs, sites and advisories, and the default wording. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "control/cramp-defaults.h"
#include "control/cramp-tracker.h"

static const char *const leg_names[] = {
	[CRAMP_LEG_UNKNOWN] = "unknown",
	[CRAMP_LEG_LEFT] = "left",
	[CRAMP_LEG_RIGHT] = "right",
};

static const char *const site_names[] = {
	[CRAMP_SITE_UNKNOWN] = NULL,  [CRAMP_SITE_CALF] = "calf",       [CRAMP_SITE_FOOT] = "foot",
	[CRAMP_SITE_THIGH] = "thigh", [CRAMP_SITE_BUTTOCK] = "buttock",
};

static const char *const kind_names[_CRAMP_ADVISORY_KIND_MAX] = {
	[CRAMP_ADVISORY_KIND_FREQUENCY] = "cramp_frequency",
	[CRAMP_ADVISORY_KIND_ONE_SIDED] = "one_sided_cramps",
	[CRAMP_ADVISORY_KIND_SPREAD] = "cramp_spread",
};

static const char *const default_messages[_CRAMP_ADVISORY_KIND_MAX] = {
	[CRAMP_ADVISORY_KIND_FREQUENCY] = CRAMP_DEFAULT_FREQUENCY_MESSAGE,
	[CRAMP_ADVISORY_KIND_ONE_SIDED] = CRAMP_DEFAULT_ONE_SIDED_MESSAGE,
	[CRAMP_ADVISORY_KIND_SPREAD] = CRAMP_DEFAULT_SPREAD_MESSAGE,
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static int lookup(const char *const *names, size_t n, const char *s)
{
	if (!s)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (names[i] && strcasecmp(names[i], s) == 0)
			return (int) i;
	return -EINVAL;
}

int cramp_leg_from_string(const char *s, enum cramp_leg *ret)
{
	int i = lookup(leg_names, N_OF(leg_names), s);

	assert(ret);
	if (i < 0)
		return i;
	*ret = (enum cramp_leg) i;
	return 0;
}

const char *cramp_leg_to_string(enum cramp_leg leg)
{
	return (size_t) leg < N_OF(leg_names) ? leg_names[leg] : NULL;
}

int cramp_site_from_string(const char *s, enum cramp_site *ret)
{
	int i = lookup(site_names, N_OF(site_names), s);

	assert(ret);
	if (i < 0)
		return i;
	*ret = (enum cramp_site) i;
	return 0;
}

const char *cramp_site_to_string(enum cramp_site site)
{
	return (size_t) site < N_OF(site_names) ? site_names[site] : NULL;
}

const char *cramp_advisory_kind_to_string(enum cramp_advisory_kind kind)
{
	return (size_t) kind < N_OF(kind_names) ? kind_names[kind] : NULL;
}

int cramp_advisory_kind_from_string(const char *s, enum cramp_advisory_kind *ret)
{
	int i = lookup(kind_names, N_OF(kind_names), s);

	assert(ret);
	if (i < 0)
		return i;
	*ret = (enum cramp_advisory_kind) i;
	return 0;
}

const char *cramp_advisory_default_message(enum cramp_advisory_kind kind)
{
	return (size_t) kind < N_OF(default_messages) ? default_messages[kind] : NULL;
}
