/* [reminder.NAME]: the defaults of the reminders known by name, and the checks across keys. */
#include "config/config-reminder.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "config/config-keys.h"
#include "control/reminder-defaults.h"

#define SEC     1000000ULL
#define KIND    "reminder"
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

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

	if (n == 0 || n > CONFIG_REMINDER_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char) name[i]) && !isdigit((unsigned char) name[i]) &&
		    name[i] != '_')
			return false;
	return true;
}

/*
 * A reminder's problems, each said at its own line and in line order: one does
 * not hide the next (a trial needed a run of --check-config for each).
 */
enum reminder_problem {
	REMINDER_PROBLEM_NAME,
	REMINDER_PROBLEM_NO_TIME,
	REMINDER_PROBLEM_NO_MESSAGE,
	REMINDER_PROBLEM_AT_AND_BEFORE,
	REMINDER_PROBLEM_MORNING_TIMER,
	REMINDER_PROBLEM_ACTIONS,
	REMINDER_PROBLEM_SKIP_IN_BED,
	REMINDER_PROBLEM_MAX,
};

struct problem {
	enum reminder_problem what;
	unsigned line;
};

static void say(struct parser *p, const struct config_reminder *r, const struct problem *pb)
{
	const struct known *k = known_of(r->name);

	switch (pb->what) {
	case REMINDER_PROBLEM_NAME:
		parser_error(p, pb->line,
			     "[reminder.%s]: a reminder's NAME is " CONFIG_REMINDER_NAME_RULE
			     " (it names its MQTT topic and its runs)",
			     r->name);
		return;
	case REMINDER_PROBLEM_NO_TIME:
		parser_error(p, pb->line,
			     "[reminder.%s] needs 'at' (a local time) or 'before_night' (a "
			     "duration)",
			     r->name);
		return;
	case REMINDER_PROBLEM_NO_MESSAGE:
		parser_error(p, pb->line, "[reminder.%s] needs 'message' (the notification's text)",
			     r->name);
		return;
	case REMINDER_PROBLEM_AT_AND_BEFORE:
		parser_error(p, pb->line,
			     "[reminder.%s]: 'at' and 'before_night' exclude each other", r->name);
		return;
	case REMINDER_PROBLEM_MORNING_TIMER:
		parser_error(p, pb->line, "'timer' does not apply to the morning follow-up");
		return;
	case REMINDER_PROBLEM_ACTIONS:
		parser_error(p, pb->line,
			     "'actions' must be one to three of %s, each once, not '%s'",
			     k && k->follow_up ? "none, left, right, snooze, skip"
					       : "started, done, snooze, skip",
			     r->actions);
		return;
	case REMINDER_PROBLEM_SKIP_IN_BED:
		parser_error(p, pb->line,
			     "'skip_in_bed' needs an [input.NAME] with role = occupancy");
		return;
	case REMINDER_PROBLEM_MAX:
		break;
	}
	assert(false);
}

static void add(struct problem found[static REMINDER_PROBLEM_MAX], size_t *n,
		enum reminder_problem what, unsigned line)
{
	size_t j = *n;

	assert(*n < REMINDER_PROBLEM_MAX);
	/* In line order; on one line (the header's) in the order above. */
	for (; j > 0 && found[j - 1].line > line; j--)
		found[j] = found[j - 1];
	found[j] = (struct problem){ .what = what, .line = line };
	(*n)++;
}

/*
 * Every problem of reminder @i, but none that only follows from another: a
 * NAME refused is not a known one, yet what a known one would have had (a
 * time, a message) is not missing because of it; a key set is not missing,
 * even when its value was refused.
 */
static void check_one(struct parser *p, size_t i, const struct config_reminder *r)
{
	const struct known *k = known_of(r->name);
	unsigned at = line_of(p, i, "at"), before = line_of(p, i, "before_night");
	bool named = name_ok(r->name);
	struct problem found[REMINDER_PROBLEM_MAX] = { 0 };
	size_t n = 0;
	int buttons[3];

	if (!named)
		add(found, &n, REMINDER_PROBLEM_NAME, r->line);
	if (at && before)
		add(found, &n, REMINDER_PROBLEM_AT_AND_BEFORE, at > before ? at : before);
	if (named && !at && !before && r->at_s < 0 && r->before_night_usec == CONFIG_DURATION_UNSET)
		add(found, &n, REMINDER_PROBLEM_NO_TIME, r->line);
	if (named && !k && !r->message && !line_of(p, i, "message"))
		add(found, &n, REMINDER_PROBLEM_NO_MESSAGE, r->line);
	if (k && k->follow_up && r->timer_usec > 0)
		add(found, &n, REMINDER_PROBLEM_MORNING_TIMER, line_of(p, i, "timer"));
	if (r->actions && config_reminder_actions(r, buttons) < 0)
		add(found, &n, REMINDER_PROBLEM_ACTIONS, line_of(p, i, "actions"));
	if (r->skip_in_bed && !config_has_input_role(p->config, CONFIG_INPUT_ROLE_OCCUPANCY))
		add(found, &n, REMINDER_PROBLEM_SKIP_IN_BED, line_of(p, i, "skip_in_bed"));
	for (size_t j = 0; j < n; j++)
		say(p, r, &found[j]);
}

/* Every reminder's problems: one reminder's (or another section's) do not hide the next one's. */
void config_reminders_check(struct parser *p)
{
	for (size_t i = 0; i < p->config->n_reminders; i++)
		check_one(p, i, &p->config->reminders[i]);
}
