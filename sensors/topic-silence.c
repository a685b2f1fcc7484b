#include "sensors/topic-silence.h"

#include <assert.h>
#include <string.h>

void topic_silence_init(struct topic_silence *t, uint64_t max_age_usec)
{
	assert(t);
	memset(t, 0, sizeof(*t));
	t->after_usec = TOPIC_SILENCE_MAX_USEC;
	if (max_age_usec > 0 && max_age_usec < t->after_usec)
		t->after_usec = max_age_usec;
}

void topic_silence_listen(struct topic_silence *t, uint64_t now_usec)
{
	assert(t);
	if (t->listening)
		return;
	t->listening = true;
	t->since_usec = now_usec;
}

void topic_silence_pause(struct topic_silence *t)
{
	assert(t);
	t->listening = false;
}

uint64_t topic_silence_due_usec(const struct topic_silence *t)
{
	assert(t);
	if (!t->listening || t->heard || t->warned)
		return UINT64_MAX;
	if (t->since_usec > UINT64_MAX - t->after_usec)
		return UINT64_MAX;
	return t->since_usec + t->after_usec;
}

bool topic_silence_check(struct topic_silence *t, uint64_t now_usec)
{
	assert(t);
	if (now_usec < topic_silence_due_usec(t))
		return false;
	t->warned = true;
	return true;
}

bool topic_silence_heard(struct topic_silence *t)
{
	bool first_after_warning;

	assert(t);
	first_after_warning = t->warned && !t->heard;
	t->heard = true;
	return first_after_warning;
}
