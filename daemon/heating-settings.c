#include "daemon/heating-settings.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/clock.h"
#include "daemon/command-time.h"
#include "daemon/log.h"

void heating_settings_init(struct heating_settings *s, const struct config_heating *config)
{
	assert(s);
	assert(config);
	*s = (struct heating_settings){
		.config = config,
		.floor_c = config->floor_c,
		.mode =
		    config->mode == CONFIG_HEATING_MODE_OFF ? COMMAND_MODE_OFF : COMMAND_MODE_HEAT,
	};
	warn_limit_init(&s->warn_floor, NULL, "set/floor");
	warn_limit_init(&s->warn_mode, NULL, "set/mode");
}

void heating_settings_watch(struct heating_settings *s, sd_event *event)
{
	s->warn_floor.event = event;
	s->warn_mode.event = event;
}

void heating_settings_done(struct heating_settings *s)
{
	warn_limit_done(&s->warn_floor);
	warn_limit_done(&s->warn_mode);
}

void heating_settings_load(struct heating_settings *s, struct store *store)
{
	char *v = NULL;
	double floor_c;
	enum command_mode mode;
	const char *reason;

	assert(s);
	s->store = store;
	s->floor_kept = false;
	s->mode_kept = false;
	if (!store)
		return;
	if (store_setting_get(store, "floor", &v) == 0) {
		if (command_parse_floor(v, strlen(v), s->config->floor_min_c,
					s->config->floor_max_c, &floor_c, &reason) == 0) {
			s->floor_c = floor_c;
			s->floor_kept = true;
		} else
			log_warning("heating: the kept floor '%s' is %s now, using %.1f °C", v,
				    reason, s->floor_c);
		free(v);
		v = NULL;
	}
	if (store_setting_get(store, "mode", &v) == 0) {
		if (command_parse_mode(v, strlen(v), &mode, NULL) == 0) {
			s->mode = mode;
			s->mode_kept = true;
		}
		free(v);
	}
}

/*
 * Takes a command's own time off (@payload then points at the rest, in
 * *@ret_rest). False, with a log line, when the command is too old to obey: a
 * replay from our broker session after an outage would undo a newer setting.
 */
static bool fresh(struct heating_settings *s, struct warn_limit *warn, const char *what,
		  const void **payload, size_t *len, char **ret_rest)
{
	int64_t now_s = (int64_t) (clock_realtime_usec() / 1000000), sent_s = 0;
	const char *reason = NULL;
	char when[40];
	int r = command_time_split(*payload, *len, &sent_s, ret_rest, &reason);

	if (r < 0) {
		warn_limited(warn, "ignoring %s: %s", what, reason ? reason : strerror(-r));
		return false;
	}
	if (r == 0)
		return true;
	if (command_is_stale(sent_s, now_s, s->max_age_usec)) {
		if (clock_format_offset(sent_s, clock_local_offset_s(sent_s), when, sizeof(when)) <
		    0)
			snprintf(when, sizeof(when), "@%lld", (long long) sent_s);
		warn_limited(warn,
			     "ignoring %s sent at %s, %lld min ago: older than command_max_age "
			     "(replayed after an outage?)",
			     what, when, (long long) ((now_s - sent_s) / 60));
		return false;
	}
	*payload = *ret_rest;
	*len = strlen(*ret_rest);
	return true;
}

static bool take_floor(struct heating_settings *s, const void *payload, size_t len)
{
	const struct config_heating *c = s->config;
	const char *reason;
	char text[16];
	double v;
	int r;

	assert(s);
	if (command_parse_floor(payload, len, c->floor_min_c, c->floor_max_c, &v, &reason) < 0) {
		warn_limited(&s->warn_floor, "ignoring set/floor: %s (allowed %.1f to %.1f °C)",
			     reason, c->floor_min_c, c->floor_max_c);
		return false;
	}
	if (v == s->floor_c && s->floor_kept) {
		log_debug("heating: floor already %.1f °C", v);
		return false;
	}
	s->floor_c = v;
	snprintf(text, sizeof(text), "%.1f", v);
	r = s->store ? store_setting_set(s->store, "floor", text) : -ENODEV;
	s->floor_kept = r >= 0;
	if (r < 0)
		log_warning_errno(r,
				  "heating: floor %.1f °C not kept in the store; it holds until a "
				  "restart",
				  v);
	log_info("heating: floor set to %.1f °C", v);
	return true;
}

static bool take_mode(struct heating_settings *s, const void *payload, size_t len)
{
	enum command_mode m;
	const char *reason;
	int r;

	assert(s);
	if (command_parse_mode(payload, len, &m, &reason) < 0) {
		warn_limited(&s->warn_mode, "ignoring set/mode: %s", reason);
		return false;
	}
	if (m == s->mode && s->mode_kept) {
		log_debug("heating: mode already %s", command_mode_to_string(m));
		return false;
	}
	s->mode = m;
	r = s->store ? store_setting_set(s->store, "mode", command_mode_to_string(m)) : -ENODEV;
	s->mode_kept = r >= 0;
	if (r < 0)
		log_warning_errno(r,
				  "heating: mode not kept in the store; it holds until a restart");
	log_info("heating: mode set to %s", command_mode_to_string(m));
	return true;
}

bool heating_settings_set_floor(struct heating_settings *s, const void *payload, size_t len)
{
	char *rest = NULL;
	bool taken;

	if (!fresh(s, &s->warn_floor, "set/floor", &payload, &len, &rest)) {
		free(rest);
		return false;
	}
	taken = take_floor(s, payload, len);
	free(rest);
	return taken;
}

bool heating_settings_set_mode(struct heating_settings *s, const void *payload, size_t len)
{
	char *rest = NULL;
	bool taken;

	if (!fresh(s, &s->warn_mode, "set/mode", &payload, &len, &rest)) {
		free(rest);
		return false;
	}
	taken = take_mode(s, payload, len);
	free(rest);
	return taken;
}
