#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The durable store: one SQLite file in the state directory, in WAL mode with
 * synchronous=FULL, so what is committed survives a power cut. Its schema
 * carries a version (PRAGMA user_version) and is migrated forward, one step at
 * a time, each in its own transaction, when a newer bedroomd opens it.
 */

struct store;

#define STORE_FILE_NAME "bedroomd.db"

/*
 * Opens (creating if needed) the store in directory @dir, which is created
 * (mode 0700) when missing, and migrates it to the current schema. Returns 0,
 * -EPROTONOSUPPORT when the file was written by a newer bedroomd, -EBADMSG
 * when it is not a database or is corrupt, or another negative errno.
 */
int store_open(const char *dir, struct store **ret);

/* Closes the store; accepts NULL; returns NULL. */
struct store *store_close(struct store *s);

/* The schema version this build creates and understands. */
int store_schema_version_current(void);

/* The schema version of the open file. */
int store_schema_version(struct store *s);

/* The path of the database file (owned by the store). */
const char *store_path(const struct store *s);

/*
 * Reads setting @key into a new string in *ret; returns 0, -ENOENT when it was
 * never set, or another negative errno.
 */
int store_setting_get(struct store *s, const char *key, char **ret);

/* Sets (durably) setting @key to @value; returns 0 or a negative errno. */
int store_setting_set(struct store *s, const char *key, const char *value);

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
	int count_7d;          /* cramps in the 7 days up to this one, itself included */
	bool delivered;        /* the broker acknowledged it */
	char *confirms;        /* the id of the suspected cramp this report confirms, or NULL */
};

/*
 * Adds @c durably (committed with synchronous=FULL before this returns).
 * Returns 0, -EEXIST when a cramp with this id is stored already, or -errno
 * (-ENOSPC when the disk is full, -EBADMSG when the file is corrupt).
 */
int store_cramp_add(struct store *s, const struct store_cramp *c);

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

/* An advisory that fired: a count crossed a line doctors use. */
struct store_advisory {
	char *kind;   /* "cramp_frequency", "one_sided_cramps", "cramp_spread" */
	int64_t time; /* of the cramp that crossed */
	int tz_offset_s;
	char *message;
	int count;
};

/* Adds an advisory (@id unique). Returns 0, -EEXIST or -errno. */
int store_advisory_add(struct store *s, const char *id, const struct store_advisory *a);

/* Reads the advisories with time >= @since, oldest first. Returns how many, or -errno. */
int store_advisories_read(struct store *s, int64_t since, struct store_advisory **ret);
void store_advisories_free(struct store_advisory *a, size_t n);

/* Adds a room temperature sample; a sample at the same second replaces it. */
int store_room_temperature_add(struct store *s, int64_t time, int tz_offset_s, double room_c);

/* The lowest room temperature from @since to @until, in *ret_c; -ENODATA when there is none. */
int store_room_temperature_min(struct store *s, int64_t since, int64_t until, double *ret_c);

/* The sample nearest to @time, if one lies within @max_gap_s of it; -ENODATA when none does. */
int store_room_temperature_at(struct store *s, int64_t time, int64_t max_gap_s, double *ret_c);

/*
 * An answer to a reminder: @reminder ("foot_soak", ...) was answered @answer
 * ("done", "started", "snooze") at Unix time @time. Returns 0, -EEXIST (@id
 * is stored already) or -errno.
 */
int store_reminder_answer_add(struct store *s, const char *id, const char *reminder,
			      const char *answer, int64_t time, int tz_offset_s);

/*
 * Whether @reminder was answered between @since and @until (inclusive); only
 * "done" and "started" count when @done_only. Returns 1, 0, or -errno.
 */
int store_reminder_answered(struct store *s, const char *reminder, bool done_only, int64_t since,
			    int64_t until);

/* Deletes what is older than @before (cramps, advisories, temperatures, reminder answers).
 * Returns 0 or -errno. */
int store_prune(struct store *s, int64_t before);
