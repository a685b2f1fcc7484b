#pragma once

/*
 * Inside config/: what [reminder.NAME] needs beyond its keys. The defaults
 * of the reminders known by name (control/reminder-defaults.h), and the
 * checks across keys.
 */

#include "config/config-parser.h"

/* Gives each reminder the defaults of its name for the keys not set. */
void config_reminders_fill(struct parser *p);

/*
 * Checks every reminder; reports each problem with parser_error(), at its
 * line and in line order, but none that only follows from another.
 */
void config_reminders_check(struct parser *p);
