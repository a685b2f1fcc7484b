#include "control/log-limit.h"

#include <assert.h>

static bool window_over(const struct log_limit *l, uint64_t now_usec)
{
	/* A clock that went backwards (it is monotonic, but a test may) also ends it. */
	return !l->open || now_usec < l->start_usec || now_usec - l->start_usec >= l->window_usec;
}

unsigned log_limit_flush(struct log_limit *l, uint64_t now_usec)
{
	unsigned n;

	assert(l);
	if (!window_over(l, now_usec))
		return 0;
	n = l->n_quiet;
	l->open = false;
	l->n_logged = 0;
	l->n_quiet = 0;
	return n;
}

bool log_limit_check(struct log_limit *l, uint64_t now_usec, unsigned *ret_summary)
{
	unsigned summary;

	assert(l);
	summary = log_limit_flush(l, now_usec);
	if (ret_summary)
		*ret_summary = summary;
	if (!l->open) {
		l->open = true;
		l->start_usec = now_usec;
	}
	if (l->n_logged < l->burst) {
		l->n_logged++;
		return true;
	}
	if (l->n_quiet < UINT32_MAX)
		l->n_quiet++;
	return false;
}

uint64_t log_limit_due_usec(const struct log_limit *l)
{
	assert(l);
	if (!l->open || l->n_quiet == 0)
		return UINT64_MAX;
	if (l->start_usec > UINT64_MAX - l->window_usec)
		return UINT64_MAX;
	return l->start_usec + l->window_usec;
}
