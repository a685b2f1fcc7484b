#include "daemon/reminder-answers.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/command.h"
#include "control/cramp-night.h"
#include "daemon/clock.h"
#include "daemon/log.h"

#define KNOWN_FOR_S (14 * 86400)

struct answer {
	char id[160];
	const char *name;   /* static: one of the known names */
	const char *answer; /* static */
	int64_t time;
	int tz_offset_s;
};

struct reminder_answers {
	char *node_id;
	struct store *store; /* NULL while it fails */
	struct mqtt_slot *slot;
	struct answer pending[REMINDER_ANSWERS_PENDING]; /* oldest first */
	size_t n_pending;
	unsigned seq; /* two answers within a millisecond still get their own ids */
};

int reminder_answers_new(const char *node_id, struct store *store, struct reminder_answers **ret)
{
	struct reminder_answers *a;

	assert(node_id);
	assert(ret);
	a = calloc(1, sizeof(*a));
	if (!a || !(a->node_id = strdup(node_id))) {
		free(a);
		return -ENOMEM;
	}
	a->store = store;
	*ret = a;
	return 0;
}

struct reminder_answers *reminder_answers_free(struct reminder_answers *a)
{
	if (a) {
		if (a->n_pending)
			log_warning("reminder answers: %zu could not be written and are lost",
				    a->n_pending);
		a->slot = mqtt_slot_free(a->slot);
		free(a->node_id);
		free(a);
	}
	return NULL;
}

size_t reminder_answers_pending(const struct reminder_answers *a)
{
	return a->n_pending;
}

static int write_answer(struct store *store, const struct answer *x)
{
	int r = store ? store_reminder_answer_add(store, x->id, x->name, x->answer, x->time,
						  x->tz_offset_s)
		      : -ENODEV;

	return r == -EEXIST ? 0 : r; /* written before: the same answer */
}

static void flush(struct reminder_answers *a, struct store *store)
{
	size_t kept = 0;

	for (size_t i = 0; i < a->n_pending; i++)
		if (write_answer(store, &a->pending[i]) < 0)
			a->pending[kept++] = a->pending[i];
	if (a->n_pending && !kept)
		log_info("reminder answers: the %zu that waited are written", a->n_pending);
	a->n_pending = kept;
}

static void keep(struct reminder_answers *a, const struct answer *x)
{
	if (a->n_pending == REMINDER_ANSWERS_PENDING) {
		log_warning("reminder answers: more than %d wait; forgetting the oldest",
			    REMINDER_ANSWERS_PENDING);
		memmove(&a->pending[0], &a->pending[1], (a->n_pending - 1) * sizeof(a->pending[0]));
		a->n_pending--;
	}
	a->pending[a->n_pending++] = *x;
}

void reminder_answers_set_store(struct reminder_answers *a, struct store *store)
{
	assert(a);
	a->store = store;
	if (store)
		flush(a, store);
}

/* <base>/reminder/<name>: the subscription's filter makes the name the topic's last level. */
void reminder_answers_receive(struct reminder_answers *a, const struct mqtt_message *msg)
{
	static const char *const names[] = { REMINDER_FOOT_SOAK, "stretch" };
	struct store *store = a->store;
	uint64_t now_usec = clock_realtime_usec();
	enum command_reminder_answer answer;
	const char *name = strrchr(msg->topic, '/'), *reason = NULL;
	struct answer x = { .name = NULL };
	int r;

	name = name ? name + 1 : msg->topic;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			x.name = names[i];
	if (!x.name) {
		log_warning("ignoring an answer on '%s': no reminder '%s' (known: %s, stretch)",
			    msg->topic, name, REMINDER_FOOT_SOAK);
		return;
	}
	if (command_parse_reminder_answer(msg->payload, msg->len, &answer, &reason) < 0) {
		log_warning("ignoring an answer on '%s': %s", msg->topic, reason);
		return;
	}
	x.answer = command_reminder_answer_to_string(answer);
	x.time = (int64_t) (now_usec / 1000000);
	x.tz_offset_s = clock_local_offset_s(x.time);
	snprintf(x.id, sizeof(x.id), "%s-reminder-%s-%llx-%x", a->node_id, x.name,
		 (unsigned long long) (now_usec / 1000), a->seq++);
	flush(a, store); /* oldest first */
	r = a->n_pending ? -EAGAIN : write_answer(store, &x);
	if (r < 0) {
		if (r == -EAGAIN)
			log_info("reminder %s: %s (waiting for the store)", x.name, x.answer);
		else
			log_error_errno(r,
					"reminder %s: cannot write the answer '%s'; keeping it "
					"until the store works",
					x.name, x.answer);
		keep(a, &x);
		return;
	}
	log_info("reminder %s: %s", x.name, x.answer);
}

static void on_answer(const struct mqtt_message *msg, void *userdata)
{
	reminder_answers_receive(userdata, msg);
}

int reminder_answers_start(struct reminder_answers *a, struct mqtt *mqtt)
{
	assert(a);
	assert(mqtt);
	a->slot = mqtt_slot_free(a->slot);
	/* QoS 1 on our persistent session: an answer sent while we restart waits. */
	return mqtt_subscribe_below(mqtt, "reminder/+", 1, on_answer, a, &a->slot);
}

int reminder_foot_soak_done(struct store *store, int64_t now_s)
{
	int tz = clock_local_offset_s(now_s);
	int64_t tonight = cramp_night_start(cramp_night_of(now_s, tz), tz);
	int r;

	if (!store)
		return -1;
	r = store_reminder_answered(store, REMINDER_FOOT_SOAK, false, now_s - KNOWN_FOR_S, now_s);
	if (r <= 0)
		return -1;
	r = store_reminder_answered(store, REMINDER_FOOT_SOAK, true, tonight, now_s);
	return r < 0 ? -1 : r;
}
