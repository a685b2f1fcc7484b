#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The cramp log: each cramp with its context, and whether the broker has it yet. */

struct store;

/* One row of the cramp log. Strings are borrowed when writing, owned when read. */
struct store_cramp {
	char *id;              /* stable and unique: consumers drop duplicates by it */
	int64_t time;          /* Unix seconds of the cramp (reported, or when it was logged) */
	int tz_offset_s;       /* local UTC offset at that time */
	int64_t recorded;      /* Unix seconds when it was stored */
	char *leg;             /* "left", "right", "unknown" */
	char *site;            /* "calf", "foot", "thigh", "buttock", or NULL */
	char *source;          /* "button", "command", "bedroomctl", "movement", ... */
	bool suspected;        /* from a movement pattern, not confirmed by the person */
	char *note;            /* or NULL */
	double room_c;         /* NAN: unknown */
	double min_room_c;     /* lowest in the hours before; NAN: unknown */
	int in_bed;            /* 1, 0, or -1: unknown */
	int64_t in_bed_since;  /* Unix seconds; 0: unknown */
	int heater_on;         /* 1, 0, or -1: unknown */
	double heater_duty_1h; /* 0..1; NAN: unknown */
	int soak_done;         /* 1, 0, or -1: unknown */
	int count_7d;        /* cramps in the 7 days up to this one, itself included; -1: unknown */
	bool delivered;      /* the broker acknowledged it */
	char *confirms;      /* the id of the suspected cramp this report confirms, or NULL */
	bool time_estimated; /* the time is a guess (an answer to the morning question) */
	bool amended;        /* a later report of it filled in its leg, site or note */
};

/*
 * Adds @c durably (committed with synchronous=FULL before this returns).
 * Returns 0, -EEXIST when a cramp with this id is stored already, or -errno
 * (-ENOSPC when the disk is full, -EBADMSG when the file is corrupt).
 */
int store_cramp_add(struct store *s, const struct store_cramp *c);

/*
 * A later report of the cramp @id knew more: gives it @leg where its leg is
 * "unknown", @site and @note where it has none (each NULL: none), never changing
 * what is known; marks it amended and undelivered, so the outbox sends it
 * again (in its place, by the order it was stored in). Committed durably as
 * store_cramp_add() is. Returns 0, -ENOENT when there is no cramp @id, or
 * -errno.
 */
int store_cramp_amend(struct store *s, const char *id, const char *leg, const char *site,
		      const char *note);

/*
 * A later report of the cramp @id had a better time (the reporter's own, while
 * this machine's clock was not set): it gets @time and @tz_offset_s, is marked
 * amended and undelivered (sent again), committed as store_cramp_add() is.
 * Returns 0, -ENOENT when there is no cramp @id, or -errno.
 */
int store_cramp_retime(struct store *s, const char *id, int64_t time, int tz_offset_s);

/* Marks the cramp @id delivered. Returns 0, -ENOENT, or -errno. */
int store_cramp_mark_delivered(struct store *s, const char *id);

/*
 * Reads up to @max cramps into a new array in *ret (free with
 * store_cramps_free()): the undelivered ones oldest first when @undelivered,
 * else those with time >= @since in time order. Returns how many, or -errno.
 */
int store_cramps_read(struct store *s, bool undelivered, int64_t since, size_t max,
		      struct store_cramp **ret);

void store_cramps_free(struct store_cramp *c, size_t n);

/* Frees the strings of one cramp read (or copied) whole; the struct itself is the caller's. */
void store_cramp_clear(struct store_cramp *c);

/*
 * Reads the cramps with @since <= time < @until, in time order, into a new
 * array in *ret (free with store_cramps_free()), but not a suspected cramp
 * (from movement) that a later report confirms: that report stands for it.
 * Returns how many, or -errno.
 */
int store_cramps_read_range(struct store *s, int64_t since, int64_t until,
			    struct store_cramp **ret);

/*
 * Copies the cramps of @from, a damaged store file (opened with
 * store_open_read_only()), into @to, as far as @from reads: each with its id
 * and everything it holds, delivered or not as it was there (the broker is
 * not sent again what it has), in the order they were stored; one @to holds
 * already (by its id), or one the damage garbled, is left. One transaction of
 * @to. Returns how many were copied, with *@ret_undelivered how many of them
 * the broker does not have yet, and *@ret_complete false when a part of @from
 * could not be read (what it held is lost); or a negative errno when @to could
 * not take them (none was copied; the outputs are left as they were).
 */
int store_cramps_salvage(struct store *from, struct store *to, int *ret_undelivered,
			 bool *ret_complete);
