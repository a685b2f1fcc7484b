/*
 * --dump-config of [reminder.NAME]: what is sent where the file leaves the
 * words or the buttons to bedroomd, rather than "# title is not set".
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "config/config-keys.h"
#include "config/config-reminder.h"
#include "control/reminder-run.h"

/*
 * The buttons of a run's first due message when 'actions' is not set: the
 * scheduler's rule, on the defaults of @r's name with its own timer and
 * snooze_max.
 */
static void builtin_actions(const struct config_reminder *r, FILE *f)
{
	enum reminder_action a[REMINDER_ACTIONS_MAX];
	struct reminder_run first = { 0 };
	struct reminder_params p;
	size_t n;

	reminder_params_init(&p, r->name, 0);
	p.timer_s =
	    (int64_t) ((r->timer_usec + 999999) / 1000000); /* as the daemon: 500ms is 1 s */
	p.snooze_max = r->snooze_max > 0 ? (unsigned) r->snooze_max : 0;
	n = reminder_actions(&p, &first, REMINDER_SEND_DUE, a);
	fputs("# actions: the built-in '", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? ", " : "", reminder_action_to_string(a[i]));
	fputs("'\n", f);
}

bool config_reminder_dump_builtin(const struct key_spec *k, const struct config_reminder *r,
				  FILE *f)
{
	struct reminder_params p;
	const char *text = NULL;

	if (strcmp(k->section, "reminder") != 0 || !config_key_is_string(k) ||
	    *(const char *const *) ((const char *) r + k->offset))
		return false;
	if (strcmp(k->name, "actions") == 0) {
		builtin_actions(r, f);
		return true;
	}
	/* The wording's one home is the scheduler's; the night's start does not change it. */
	reminder_params_init(&p, r->name, 0);
	if (strcmp(k->name, "title") == 0)
		text = p.title;
	else if (strcmp(k->name, "message") == 0)
		text = p.message;
	else if (strcmp(k->name, "time_up_message") == 0)
		text = p.time_up_message;
	if (!text)
		return false;
	fprintf(f, "%s = %s\n", k->name, text);
	return true;
}
