#pragma once

#include <systemd/sd-event.h>

/*
 * Names an event source from a printf format, so sd-event's debug output and
 * a debugger say which timer or fd it is ("room-bedside-interval"). Every
 * source the daemon adds gets one. Returns 0 or a negative errno.
 */
int event_source_describe(sd_event_source *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
