#pragma once

/* When each heater's relay was last told on and off: relay care across a restart. */

#include <stdbool.h>
#include <stdint.h>

struct store;

struct store_relay {
	int64_t last_on_usec;  /* Unix microseconds it was last told on; 0: never */
	int64_t last_off_usec; /* ... and off; 0: never */
};

/*
 * Reads what is kept of heater @heater's relay into *@ret. Returns 0, -ENOENT
 * when nothing is (@ret untouched then), or another negative errno.
 */
int store_relay_get(struct store *s, const char *heater, struct store_relay *ret);

/*
 * Keeps (durably) that heater @heater's relay was told on (@on) or off at
 * @time_usec (Unix microseconds); the other time stays. Returns 0 or a
 * negative errno.
 */
int store_relay_switched(struct store *s, const char *heater, bool on, int64_t time_usec);

/*
 * Copies the relays' times that a damaged store @from still reads into @to
 * (those @to has already stay). Returns how many, or a negative errno.
 */
int store_relays_salvage(struct store *from, struct store *to);
