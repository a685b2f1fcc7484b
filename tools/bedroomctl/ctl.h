#pragma once
/*
 * What bedroomctl's commands share: exit statuses, the help text, reading the
 * configuration, the daemon's topics. The commands are in bedroomctl.c, but
 * for logging a cramp (ctl-cramp.c).
 */
#include <stdbool.h>

#include "config/config.h"

/* Exit statuses, as in sysexits.h. */
#define EXIT_USAGE       64 /* EX_USAGE */
#define EXIT_DATAERR     65 /* EX_DATAERR */
#define EXIT_NOINPUT     66 /* EX_NOINPUT */
#define EXIT_UNAVAILABLE 69 /* EX_UNAVAILABLE */
#define EXIT_SOFTWARE    70 /* EX_SOFTWARE */
#define EXIT_CANTCREAT   73 /* EX_CANTCREAT */
#define EXIT_IOERR       74 /* EX_IOERR */
#define EXIT_TEMPFAIL    75 /* EX_TEMPFAIL */

#define PUBLISH_TIMEOUT_MS 10000
#define STATUS_TIMEOUT_MS  3000

/* The text of --help. */
extern const char ctl_usage_text[];

/* Says "bedroomctl: <what>" and where help is, on stderr; returns EXIT_USAGE. */
__attribute__((format(printf, 1, 2))) int ctl_usage_error(const char *fmt, ...);

/*
 * For an option getopt refused: getopt has said why on stderr, named by
 * argv[0] ("bedroomctl status", set by main()); this adds where help is.
 * Returns EXIT_USAGE.
 */
int ctl_bad_option(void);

/*
 * Loads @path, or the default configuration when NULL (no --config given),
 * saying its errors on stderr, a line each, and its warnings too when @warn
 * (they are of the broker and the heaters: noise to a command that reads the
 * store alone). Returns 0 or the exit status.
 */
int ctl_load_config(const char *path, bool warn, struct config **ret);

/* "<base_topic>/<@leaf>" (free it), or NULL: out of memory. */
char *ctl_topic_of(const struct config *c, const char *leaf);

/*
 * Nothing retained under the base topic: no bedroomd uses it on this broker
 * (it keeps its availability retained from its first connection on). Said
 * the same for every command that finds so; @consequence follows it.
 */
void ctl_say_nothing_retained(const struct config *c, const char *consequence);

/* bedroomctl cramp [OPTIONS]: logs a cramp through the daemon. Returns the exit status. */
int ctl_cmd_cramp(const char *config_path, int argc, char **argv);
