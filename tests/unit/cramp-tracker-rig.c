/* The cramp tracker test rig: see cramp-tracker-rig.h. */
#include <string.h>

#include "tests/unit/cramp-tracker-rig.h"

struct cramp_tracker *rig_tracker(void)
{
	struct cramp_tracker *t = NULL;

	assert_int_equal(cramp_tracker_new(NULL, &t), 0);
	return t;
}

struct cramp_tracker_result rig_add(struct cramp_tracker *t, int64_t time_s, enum cramp_leg leg,
				    enum cramp_site site)
{
	struct cramp_tracker_cramp c = { .time_s = time_s, .leg = leg, .site = site };
	struct cramp_tracker_result r;

	memset(&r, 0xaa, sizeof(r));
	assert_int_equal(cramp_tracker_add(t, &c, &r), 0);
	return r;
}

struct cramp_tracker_result rig_amend(struct cramp_tracker *t, int64_t of_s, enum cramp_leg of_leg,
				      enum cramp_leg leg, enum cramp_site site, int want)
{
	struct cramp_tracker_cramp c = { .time_s = of_s, .leg = leg, .site = site };
	struct cramp_tracker_result r;

	memset(&r, 0xaa, sizeof(r));
	assert_int_equal(cramp_tracker_amend(t, of_s, of_leg, &c, &r), want);
	return r;
}

const struct cramp_advisory *rig_find(const struct cramp_tracker_result *r,
				      enum cramp_advisory_kind kind)
{
	for (unsigned i = 0; i < r->n_advisories; i++)
		if (r->advisories[i].kind == kind)
			return &r->advisories[i];
	return NULL;
}
