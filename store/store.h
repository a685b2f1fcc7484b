#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The durable store: one SQLite file in the state directory, in WAL mode with
 * synchronous=FULL, so what is committed survives a power cut. Its schema
 * carries a version (PRAGMA user_version) and is migrated forward, one step at
 * a time, each in its own transaction, when a newer bedroomd opens it.
 *
 * This header is the whole store: the opening and closing here, and one
 * header per table (included below) with its writers and its queries. No
 * SQLite type or code crosses these headers: failures are negative errno.
 */

#include "store/advisories.h"
#include "store/cramps.h"
#include "store/relays.h"
#include "store/reminders.h"
#include "store/room-temperature.h"
#include "store/settings.h"

struct store;

#define STORE_FILE_NAME "bedroomd.db"
#define STORE_LOCK_NAME "bedroomd.lock"

/*
 * Takes the state directory @dir (created, mode 0700, when missing) for this
 * process: an flock() on STORE_LOCK_NAME in it, which holds our PID and goes
 * with the process (a crash or SIGKILL included). Returns the lock's fd, or
 * -EBUSY with *@ret_holder the PID another process wrote when it holds the
 * lock (0 if unknown), or another negative errno.
 */
int store_dir_lock(const char *dir, long *ret_holder);

/*
 * Opens (creating if needed) the store in directory @dir, which is created
 * (mode 0700) when missing, and migrates it to the current schema. Returns 0,
 * -EPROTONOSUPPORT when the file was written by a newer bedroomd, -EBADMSG
 * when it is not a database or is corrupt, -EROFS when its file system is
 * read-only, -EACCES (or -EPERM) when the file cannot be written (never a
 * store opened read-only), or another negative errno.
 */
int store_open(const char *dir, struct store **ret);

/*
 * Opens the store file @path read-only, for a reader beside the daemon (the
 * file may be open in it, in WAL mode; a reader waits up to 5 s for a
 * writer's transaction). Never creates, migrates or writes the file: its
 * writers fail with -EACCES. Its queries answer from any schema from the
 * cramp log on. Returns 0; -ENOENT or -EACCES when the file is missing or
 * unreadable; -EISDIR when @path is a directory; -EPROTONOSUPPORT when a
 * newer bedroomd wrote it; -ENODATA when it is from before the cramp log (an
 * older bedroomd, or not a bedroomd store); -EBADMSG when it is not a
 * database; or another negative errno.
 */
int store_open_read_only(const char *path, struct store **ret);

/* Closes the store; accepts NULL; returns NULL. */
struct store *store_close(struct store *s);

/* The schema version this build creates and understands. */
int store_schema_version_current(void);

/* The schema version of the open file. */
int store_schema_version(struct store *s);

/* The schema version the file had when store_open() opened it: 0 for a new file. */
int store_schema_version_opened(const struct store *s);

/* The path of the database file (owned by the store). */
const char *store_path(const struct store *s);

/*
 * Deletes what is older than @before (delivered cramps, advisories,
 * temperatures, reminder records), but never a cramp or an advisory dated
 * before the wall clock was set (WALL_CLOCK_SET_AFTER_S, 2025): one logged
 * before NTP on a Pi without a real-time clock, kept for a person to see.
 * Nor a table's every record: only what is older than a record dated @before
 * or later goes (a clock years ahead would otherwise empty the store).
 * Returns 0; 1 when delivered cramps older than @before were kept because
 * none is as new (the caller says so: is the clock right?); or -errno.
 */
int store_prune(struct store *s, int64_t before);

/*
 * What a store error means, for a log line: strerror(), but "the store is not
 * open" for -ENODEV (what callers without a store use) and "the file is
 * damaged" for -EBADMSG.
 */
const char *store_strerror(int error);

/*
 * Reads the whole file for damage SQLite would otherwise meet only in the
 * page it lands on (PRAGMA quick_check): a page overwritten in the middle
 * opens fine, then fails the writes or reads that touch it. Returns 0, -EBADMSG
 * when the file is damaged, -EIO when the disk would not read it (SQLite calls
 * a WAL it cannot read "malformed": the files are read back to tell), or
 * another -errno when the check could not run.
 */
int store_check(struct store *s);

/*
 * The time (and its local offset) of the oldest record the store still holds,
 * by the daemon's clock as it recorded it (a cramp by when it was logged, a
 * room temperature, a reminder record; not an advisory, dated by its cramp):
 * where its history begins, after any pruning. A time before the wall clock
 * was set (WALL_CLOCK_SET_AFTER_S) is wrong, not old: left out. Returns 0,
 * -ENODATA when it holds none, or -errno.
 */
int store_first_record(struct store *s, int64_t *ret_time, int *ret_tz_offset_s);
