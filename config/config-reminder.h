#pragma once

/*
 * Inside config/: what [reminder.NAME] needs beyond its keys. The defaults
 * of the reminders known by name (control/reminder-defaults.h), and the
 * checks across keys.
 */

#include <stdbool.h>
#include <stdio.h>

#include "config/config-parser.h"

struct key_spec;

/* Gives each reminder the defaults of its name for the keys not set. */
void config_reminders_fill(struct parser *p);

/*
 * Checks every reminder; reports each problem with parser_error(), at its
 * line and in line order, but none that only follows from another.
 */
void config_reminders_check(struct parser *p);

/*
 * For --dump-config: when @r leaves its text key @k to bedroomd, writes what
 * applies instead of "not set" (the built-in title, message or
 * time_up_message as a value; the built-in buttons as a comment, since
 * snooze goes once the run has snoozed snooze_max times) and returns true.
 * Returns false, writing nothing, for any other key or one that is set.
 */
bool config_reminder_dump_builtin(const struct key_spec *k, const struct config_reminder *r,
				  FILE *f);
