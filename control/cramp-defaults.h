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

/*
 * What one movement is, for the suspicion (control/cramp-suspect.c) and for
 * movement_per_min (sensors/bed-movement.c) alike: the first active edge, and
 * every edge within this after it. A SW-420 vibration switch chatters a dozen
 * edges in the second or two of turning over: that is one or two movements,
 * not twelve. A cramp moves the bed through most seconds of a minute (the leg
 * jerks, the person sits up, pulls the foot, rubs the calf): a movement in
 * each of those seconds. A sensor that reports at most every few seconds (an
 * Aqara vibration sensor on MQTT) is counted as before. Not a key: it is what
 * the pattern's counts mean, so suspect_movements can be at most one a second
 * of suspect_within.
 */
#define CRAMP_DEFAULT_MOVEMENT_GAP_USEC 1000000ULL

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
