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
#include "store/reminder-answers.h"
#include "store/room-temperature.h"
#include "store/settings.h"

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

/* Deletes what is older than @before (cramps, advisories, temperatures, reminder answers).
 * Returns 0 or -errno. */
int store_prune(struct store *s, int64_t before);
