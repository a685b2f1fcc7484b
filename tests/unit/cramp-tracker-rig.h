#pragma once
/*
 * The cramp tracker on a test rig: a tracker, cramps added and amended, an
 * advisory found; shared by the tracker's unit tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "control/cramp-tracker.h"

#define MIN_S  ((int64_t) 60)
#define HOUR_S ((int64_t) 3600)
#define DAY_S  ((int64_t) 24 * 3600)
/* 2026-01-05 03:00:00 UTC, a Monday night. */
#define T0 ((int64_t) 1767582000)

/* A tracker with the default params. */
struct cramp_tracker *rig_tracker(void);
/* A cramp reported at @time_s; asserts it was taken. */
struct cramp_tracker_result rig_add(struct cramp_tracker *t, int64_t time_s, enum cramp_leg leg,
				    enum cramp_site site);
/* A report of @leg and @site amends the tracked cramp of @of_leg at @of_s; asserts @want. */
struct cramp_tracker_result rig_amend(struct cramp_tracker *t, int64_t of_s, enum cramp_leg of_leg,
				      enum cramp_leg leg, enum cramp_site site, int want);
/* The advisory of @kind in @r, or NULL. */
const struct cramp_advisory *rig_find(const struct cramp_tracker_result *r,
				      enum cramp_advisory_kind kind);
