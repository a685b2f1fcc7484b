#pragma once

/* Settings changed at run time (floor, mode, ...) that survive a restart. */

#include <stddef.h>

struct store;

/*
 * Reads setting @key into a new string in *ret; returns 0, -ENOENT when it was
 * never set, or another negative errno.
 */
int store_setting_get(struct store *s, const char *key, char **ret);

/* Sets (durably) setting @key to @value; returns 0 or a negative errno. */
int store_setting_set(struct store *s, const char *key, const char *value);

/* One setting: its key and value. */
struct store_setting {
	const char *key;
	const char *value;
};

/*
 * Sets the @n settings of @items in one transaction (one sync for a burst of
 * changes); all or none. Returns 0 or a negative errno.
 */
int store_settings_set_many(struct store *s, const struct store_setting *items, size_t n);

/* Forgets setting @key (durably); returns 0, also when it was never set, or a negative errno. */
int store_setting_delete(struct store *s, const char *key);

/*
 * Copies the settings of @from, a damaged store file (opened with
 * store_open_read_only()), into @to as far as @from reads, but none that @to
 * holds already. One transaction of @to. Returns how many were copied, or a
 * negative errno when @to could not take them (none was copied).
 */
int store_settings_salvage(struct store *from, struct store *to);
