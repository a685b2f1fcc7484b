#include "sensors/temp-retry.h"

#include <assert.h>
#include <errno.h>

bool temp_retry_transient(int error)
{
	switch (error) {
	case -EIO:
	case -EAGAIN:
	case -ENODATA:
	case -ETIMEDOUT:
	case -EBUSY:
	case -EPIPE:
		return true;
	}
	return false;
}

void temp_retry_begin(struct temp_retry *st)
{
	assert(st);
	st->attempt = 0;
}

enum temp_retry_action temp_retry_step(struct temp_retry *st, const struct temp_retry_params *p,
				       int result, uint64_t now_usec, uint64_t conversion_usec,
				       uint64_t deadline_usec, uint64_t *ret_delay_usec)
{
	uint64_t done_usec;

	assert(st);
	assert(ret_delay_usec);
	if (result >= 0)
		return TEMP_RETRY_ACTION_DONE;
	st->failures++;
	st->attempt++;
	done_usec = now_usec + p->retry_delay_usec + conversion_usec;
	if (!temp_retry_transient(result) || st->attempt > p->retries || done_usec < now_usec ||
	    done_usec > deadline_usec) {
		st->given_up++;
		return TEMP_RETRY_ACTION_GIVE_UP;
	}
	*ret_delay_usec = p->retry_delay_usec;
	return TEMP_RETRY_ACTION_RETRY;
}
