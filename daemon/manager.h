#pragma once

#include "config/config.h"

/*
 * The daemon: owns the event loop and every part, wires readings to decisions
 * and decisions to commands. main() makes one, runs it, frees it.
 */

struct manager;

/*
 * Builds the daemon from @config, taking ownership of it on success only.
 * Attaches every source but sends nothing yet. Returns 0 or a negative errno
 * (already logged).
 */
int manager_new(struct config *config, struct manager **ret);

/* Frees the manager and everything it owns, in reverse order of set-up; accepts NULL. */
struct manager *manager_free(struct manager *m);

/*
 * Starts the parts, sends READY=1 and runs the loop until SIGTERM or SIGINT.
 * Returns the process exit status.
 */
int manager_run(struct manager *m);
