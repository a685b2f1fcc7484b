#pragma once

/*
 * The defaults of the cramp tracker and of the suspicion from movement that
 * the configuration shows too: the [cramps] keys. The tracker, the detector
 * and the key table (config/config-keys.c) all read them here, so each has
 * one home.
 *
 * Plain constants: any layer may include this.
 */

/* Reports of one leg this near each other are one cramp. */
#define CRAMP_DEFAULT_DEDUP_WINDOW_S 120

/* A suspected cramp: this many movements within this, after this much calm, in bed this long. */
#define CRAMP_DEFAULT_SUSPECT_MOVEMENTS        12
#define CRAMP_DEFAULT_SUSPECT_WITHIN_USEC      (60 * 1000000ULL)
#define CRAMP_DEFAULT_SUSPECT_AFTER_QUIET_USEC (20 * 60 * 1000000ULL)
#define CRAMP_DEFAULT_SUSPECT_MIN_IN_BED_USEC  (30 * 60 * 1000000ULL)

/* The advisories' wording, when the configuration gives none. */
#define CRAMP_DEFAULT_FREQUENCY_MESSAGE                                                            \
	"Cramps more than three times a week are worth a doctor's check of nerves and blood "      \
	"vessels."
#define CRAMP_DEFAULT_ONE_SIDED_MESSAGE                                                            \
	"Cramps that keep coming back on one side, especially with swelling, should be seen by "   \
	"a doctor promptly."
#define CRAMP_DEFAULT_SPREAD_MESSAGE                                                               \
	"Cramps that spread beyond the calf deserve a doctor's look (the nerve roots of the "      \
	"lower back)."
