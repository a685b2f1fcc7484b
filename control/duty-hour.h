#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * A heater's share of the last hour it was on, minute by minute, for a
 * cramp's context ("heater_duty_1h"). Until a whole hour has been counted
 * (after a start) the share is not known: NAN, never a 0 that says "it was
 * off" of time nobody watched. Pure: the time and the relay's state are
 * arguments.
 */
struct duty_hour {
	uint64_t on_usec[60];    /* on-time in each minute of the hour, by minute % 60 */
	uint64_t minute[60];     /* which minute each slot holds */
	uint64_t accounted_usec; /* monotonic; counted up to here (0: not started) */
	uint64_t since_usec;     /* monotonic; counting began */
};

/* Counts the time since the last call as on or off (@on: what it was until @now_usec). */
void duty_hour_account(struct duty_hour *d, bool on, uint64_t now_usec);

/* The share of the hour before @now_usec it was on, 0..1; NAN while less than an hour is counted.
 */
double duty_hour_share(const struct duty_hour *d, uint64_t now_usec);
