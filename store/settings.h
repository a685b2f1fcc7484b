#pragma once

/* Settings changed at run time (floor, mode, ...) that survive a restart. */

struct store;

/*
 * Reads setting @key into a new string in *ret; returns 0, -ENOENT when it was
 * never set, or another negative errno.
 */
int store_setting_get(struct store *s, const char *key, char **ret);

/* Sets (durably) setting @key to @value; returns 0 or a negative errno. */
int store_setting_set(struct store *s, const char *key, const char *value);

/* Forgets setting @key (durably); returns 0, also when it was never set, or a negative errno. */
int store_setting_delete(struct store *s, const char *key);
