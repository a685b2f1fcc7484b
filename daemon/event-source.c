#include "daemon/event-source.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>

int event_source_describe(sd_event_source *s, const char *fmt, ...)
{
	char name[96];
	va_list ap;

	assert(s);
	assert(fmt);
	va_start(ap, fmt);
	(void) vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	return sd_event_source_set_description(s, name);
}
