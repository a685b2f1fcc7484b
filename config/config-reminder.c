/* [reminder.NAME]: the defaults of the reminders known by name, and the checks across keys. */
#include "config/config-reminder.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "control/reminder-defaults.h"

#define SEC          1000000ULL
#define KIND         "reminder"
#define NAME_MAX_LEN 32
#define N_OF(a)      (sizeof(a) / sizeof((a)[0]))

struct known {
	const char *name;
	bool follow_up;
	int timer_s, before_night_s, at_s, repeat_every_s, repeat_max;
};

#define KNOWN_(name_, follow_up_, timer_, before_, at_, every_, max_)                              \
	{ #name_, (follow_up_), (timer_), (before_), (at_), (every_), (max_) },
static const struct known known[] = { REMINDER_KNOWN(KNOWN_) };
#undef KNOWN_

struct action {
	const char *name;
	bool task, follow_up;
};

#define ACTION_(id, name_, task_, follow_up_) { #name_, (task_), (follow_up_) },
static const struct action actions[] = { REMINDER_ACTIONS(ACTION_) };
#undef ACTION_

static const struct known *known_of(const char *name)
{
	for (size_t i = 0; i < N_OF(known); i++)
		if (strcmp(name, known[i].name) == 0)
			return &known[i];
	return NULL;
}

static const struct section_spec *spec_of(void)
{
	return config_section_find(KIND, strlen(KIND));
}

static unsigned line_of(const struct parser *p, size_t i, const char *key)
{
	return parser_key_line(p, spec_of(), i, KIND, key);
}

void config_reminders_fill(struct parser *p)
{
	for (size_t i = 0; i < p->config->n_reminders; i++) {
		struct config_reminder *r = &p->config->reminders[i];
		const struct known *k = known_of(r->name);
		bool at = line_of(p, i, "at"), before = line_of(p, i, "before_night");

		if (!at)
			r->at_s = !before && k && k->before_night_s < 0 ? k->at_s : -1;
		if (!before)
			r->before_night_usec = !at && k && k->before_night_s >= 0
						   ? (unsigned long long) k->before_night_s * SEC
						   : CONFIG_DURATION_UNSET;
		if (!line_of(p, i, "timer"))
			r->timer_usec = k ? (unsigned long long) k->timer_s * SEC : 0;
		if (!line_of(p, i, "repeat_every"))
			r->repeat_every_usec =
			    (unsigned long long) (k ? k->repeat_every_s
						    : REMINDER_DEFAULT_REPEAT_EVERY_S) *
			    SEC;
		if (!line_of(p, i, "repeat_max"))
			r->repeat_max = k ? k->repeat_max : REMINDER_DEFAULT_REPEAT_MAX;
	}
}

int config_reminder_actions(const struct config_reminder *r, int ret[static 3])
{
	const struct known *k = known_of(r->name);
	bool follow_up = k && k->follow_up;
	const char *p = r->actions;
	size_t n = 0;

	if (!p)
		return 0;
	while (*p) {
		size_t len;
		int found = -1;

		p += strspn(p, ", ");
		len = strcspn(p, ", ");
		if (len == 0)
			break;
		for (size_t a = 0; a < N_OF(actions); a++)
			if (strlen(actions[a].name) == len &&
			    strncmp(p, actions[a].name, len) == 0 &&
			    (follow_up ? actions[a].follow_up : actions[a].task))
				found = (int) a;
		for (size_t j = 0; j < n && found >= 0; j++)
			if (ret[j] == found)
				found = -1;
		if (found < 0 || n == 3)
			return -EINVAL;
		ret[n++] = found;
		p += len;
	}
	return n > 0 ? (int) n : -EINVAL;
}

static bool name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > NAME_MAX_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char) name[i]) && !isdigit((unsigned char) name[i]) &&
		    name[i] != '_')
			return false;
	return true;
}

static void check_one(struct parser *p, size_t i, const struct config_reminder *r)
{
	const struct known *k = known_of(r->name);
	unsigned at = line_of(p, i, "at"), before = line_of(p, i, "before_night");
	int buttons[3];

	if (!name_ok(r->name))
		parser_error(p, r->line,
			     "[reminder.%s]: a reminder's NAME is 1 to %d of a-z, 0-9 and _ (it "
			     "names its MQTT topic and its runs)",
			     r->name, NAME_MAX_LEN);
	else if (at && before)
		parser_error(p, at > before ? at : before,
			     "[reminder.%s]: 'at' and 'before_night' exclude each other", r->name);
	else if (r->at_s < 0 && r->before_night_usec == CONFIG_DURATION_UNSET)
		parser_error(p, r->line,
			     "[reminder.%s] needs 'at' (a local time) or 'before_night' (a "
			     "duration)",
			     r->name);
	else if (!k && !r->message)
		parser_error(p, r->line, "[reminder.%s] needs 'message' (the notification's text)",
			     r->name);
	else if (k && k->follow_up && r->timer_usec > 0)
		parser_error(p, line_of(p, i, "timer"),
			     "'timer' does not apply to the morning follow-up");
	else if (r->actions && config_reminder_actions(r, buttons) < 0)
		parser_error(p, line_of(p, i, "actions"),
			     "'actions' must be one to three of %s, each once, not '%s'",
			     k && k->follow_up ? "none, left, right, snooze, skip"
					       : "started, done, snooze, skip",
			     r->actions);
	else if (r->skip_in_bed && !config_has_input_role(p->config, CONFIG_INPUT_ROLE_OCCUPANCY))
		parser_error(p, line_of(p, i, "skip_in_bed"),
			     "'skip_in_bed' needs an [input.NAME] with role = occupancy");
}

void config_reminders_check(struct parser *p)
{
	for (size_t i = 0; i < p->config->n_reminders && !p->error; i++)
		check_one(p, i, &p->config->reminders[i]);
}
