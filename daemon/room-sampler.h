#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

struct store;

/*
 * The room temperature kept in the store for the night's lowest and the cramps'
 * context: for each window of ROOM_SAMPLE_USEC, the lowest reading in it, at
 * its own time. A sample every few minutes taken at the moment it is due would
 * miss the dip between them that the heating caught (a user trial: the report's
 * "lowest" above the room temperature at a cramp). The window's lowest is
 * written when the window ends (a timer armed for then, while the temperature
 * is known), and at a stop.
 */

#define ROOM_SAMPLE_USEC (5 * 60 * 1000000ULL)

struct room_sampler;

/*
 * A sampler on @event's timers with windows of @window_usec (ROOM_SAMPLE_USEC;
 * a test's may be shorter); nothing is written before room_sampler_set_store().
 */
int room_sampler_new(sd_event *event, uint64_t window_usec, struct room_sampler **ret);
/* Writes the window's lowest (a stop), then frees @s. */
struct room_sampler *room_sampler_free(struct room_sampler *s);

/* Where the samples go (NULL: none for now; the window's lowest waits). */
void room_sampler_set_store(struct room_sampler *s, struct store *store);

/* A room temperature of @c °C at @time_s (Unix seconds), at monotonic @now_usec. */
void room_sampler_take(struct room_sampler *s, double c, int64_t time_s, uint64_t now_usec);

/* The room temperature is unknown now: the window ends with what it has. */
void room_sampler_unknown(struct room_sampler *s);

/*
 * The lowest reading not written yet, if it was taken from @since_s to
 * @until_s: true with *ret_c. For a cramp's "lowest in the hours before".
 */
bool room_sampler_pending_lowest(const struct room_sampler *s, int64_t since_s, int64_t until_s,
				 double *ret_c);

/* Writes the window's lowest now; kept for later while the store cannot take it. */
void room_sampler_flush(struct room_sampler *s);

/*
 * A reload: @old's window ends, its lowest written now or, while the store
 * cannot take it, handed to @s to be written with @s's first window.
 */
void room_sampler_adopt(struct room_sampler *s, struct room_sampler *old);
