#include "daemon/heating-settings.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/clock.h"
#include "daemon/command-time.h"
#include "daemon/event-source.h"
#include "daemon/log.h"

static const char *config_mode(const struct config_heating *config)
{
	return command_mode_to_string(config->mode == CONFIG_HEATING_MODE_OFF ? COMMAND_MODE_OFF
									      : COMMAND_MODE_HEAT);
}

/* After a burst of changes only counted: the last was not logged, and it is what holds. */
static void floor_holds(void *userdata)
{
	struct heating_settings *s = userdata;

	log_info("heating: floor %.1f °C holds now, the last of them", s->floor_c);
}

static void mode_holds(void *userdata)
{
	struct heating_settings *s = userdata;

	log_info("heating: mode %s holds now, the last of them", command_mode_to_string(s->mode));
}

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
	warn_limit_init_info(&s->info_floor, NULL, "floor changes");
	warn_limit_init_info(&s->info_mode, NULL, "mode changes");
	s->info_floor.summarized = floor_holds;
	s->info_floor.userdata = s;
	s->info_mode.summarized = mode_holds;
	s->info_mode.userdata = s;
}

/* A burst of settings, written once: commands that come within this of the first change. */
#define KEEP_DELAY_USEC (1000ULL * 1000ULL)

void heating_settings_watch(struct heating_settings *s, sd_event *event,
			    void (*failed)(void *userdata), void *userdata)
{
	s->failed = failed;
	s->userdata = userdata;
	s->warn_floor.event = event;
	s->warn_mode.event = event;
	s->info_floor.event = event;
	s->info_mode.event = event;
	s->event = event;
}

void heating_settings_done(struct heating_settings *s)
{
	warn_limit_done(&s->warn_floor);
	warn_limit_done(&s->warn_mode);
	warn_limit_done(&s->info_floor);
	warn_limit_done(&s->info_mode);
	s->keep_timer = sd_event_source_disable_unref(s->keep_timer);
}

void heating_settings_flush(struct heating_settings *s)
{
	struct store_setting items[4];
	char text[COMMAND_FLOOR_TEXT_MAX], file_text[COMMAND_FLOOR_TEXT_MAX];
	size_t n = 0;
	int r = -ENODEV;

	assert(s);
	if (s->keep_timer)
		(void) sd_event_source_set_enabled(s->keep_timer, SD_EVENT_OFF);
	if (!s->floor_pending && !s->mode_pending)
		return;
	command_floor_text(s->floor_c, text);
	command_floor_text(s->config->floor_c, file_text);
	if (s->floor_pending) {
		items[n++] = (struct store_setting){ "floor", text };
		items[n++] = (struct store_setting){ "floor_file", file_text };
	}
	if (s->mode_pending) {
		items[n++] = (struct store_setting){ "mode", command_mode_to_string(s->mode) };
		items[n++] = (struct store_setting){ "mode_file", config_mode(s->config) };
	}
	if (s->store)
		r = store_settings_set_many(s->store, items, n);
	if (r < 0) {
		/* Still pending: the store's return (and a stop) write them. */
		if (!s->keep_failing)
			log_warning("heating: floor %.1f °C and mode %s not kept in the store yet "
				    "(%s); they hold, and are written once it works",
				    s->floor_c, command_mode_to_string(s->mode), store_strerror(r));
		s->keep_failing = true;
		if (s->failed)
			s->failed(s->userdata);
		return;
	}
	if (s->keep_failing)
		log_info("heating: floor %.1f °C and mode %s kept in the store now", s->floor_c,
			 command_mode_to_string(s->mode));
	s->keep_failing = false;
	s->floor_kept |= s->floor_pending;
	s->mode_kept |= s->mode_pending;
	s->floor_pending = s->mode_pending = false;
}

void heating_settings_rekeep(struct heating_settings *s)
{
	s->floor_pending |= s->floor_kept;
	s->mode_pending |= s->mode_kept;
	s->floor_kept = s->mode_kept = false;
}

bool heating_settings_failing(const struct heating_settings *s)
{
	return s->keep_failing && s->store && (s->floor_pending || s->mode_pending);
}

static int on_keep_timer(sd_event_source *es, uint64_t usec, void *userdata)
{
	heating_settings_flush(userdata);
	return 0;
}

/* A change to keep: written with whatever else comes within KEEP_DELAY_USEC. */
static void keep_soon(struct heating_settings *s)
{
	int r;

	if (!s->event) {
		heating_settings_flush(s);
		return;
	}
	if (s->keep_timer) {
		int enabled = SD_EVENT_OFF;

		(void) sd_event_source_get_enabled(s->keep_timer, &enabled);
		if (enabled != SD_EVENT_OFF)
			return; /* the burst's first change armed it */
		r = sd_event_source_set_time_relative(s->keep_timer, KEEP_DELAY_USEC);
		if (r >= 0)
			r = sd_event_source_set_enabled(s->keep_timer, SD_EVENT_ONESHOT);
	} else {
		r = sd_event_add_time_relative(s->event, &s->keep_timer, CLOCK_MONOTONIC,
					       KEEP_DELAY_USEC, 0, on_keep_timer, s);
		if (r >= 0)
			r = event_source_describe(s->keep_timer, "heating-settings-keep");
	}
	if (r < 0) {
		log_warning_errno(r, "heating: cannot arm the settings timer, writing now");
		heating_settings_flush(s);
	}
}

/*
 * Whether the file was edited since @key was last set from Home Assistant (the
 * rule is command_kept_setting_holds()'s, which bedroomctl's report asks too):
 * a file edited since is the newer wish and wins; an unedited one leaves the
 * kept value. A store from before @file_key was kept learns the file's value now.
 */
static bool file_edited(struct store *store, const char *key, const char *file_key,
			const char *file_now)
{
	char *kept = NULL, *kept_file = NULL;
	bool edited;

	(void) store_setting_get(store, key, &kept);
	(void) store_setting_get(store, file_key, &kept_file);
	edited = kept && !command_kept_setting_holds(kept, kept_file, file_now);
	if (kept && !kept_file)
		(void) store_settings_set_many(
		    store, &(struct store_setting){ .key = file_key, .value = file_now }, 1);
	free(kept);
	free(kept_file);
	return edited;
}

void heating_settings_load(struct heating_settings *s, struct store *store)
{
	char *v = NULL, file_floor[COMMAND_FLOOR_TEXT_MAX];
	double floor_c;
	enum command_mode mode;
	const char *reason;

	assert(s);
	s->store = store;
	s->floor_kept = false;
	s->mode_kept = false;
	if (!store)
		return;
	s->loaded = true;
	command_floor_text(s->config->floor_c, file_floor);
	/* A change made while there was no store is newer than what it kept: it is written. */
	if (s->floor_pending) {
		log_info("heating: floor %.1f °C, set since the store last kept one", s->floor_c);
	} else if (file_edited(store, "floor", "floor_file", file_floor)) {
		log_info("heating: floor %.1f °C from the configuration file, edited since Home "
			 "Assistant set one",
			 s->floor_c);
		s->floor_pending = true;
	} else if (store_setting_get(store, "floor", &v) == 0) {
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
	if (s->mode_pending) {
		log_info("heating: mode %s, set since the store last kept one",
			 command_mode_to_string(s->mode));
	} else if (file_edited(store, "mode", "mode_file", config_mode(s->config))) {
		log_info("heating: mode %s from the configuration file, edited since Home "
			 "Assistant set one",
			 command_mode_to_string(s->mode));
		s->mode_pending = true;
	} else if (store_setting_get(store, "mode", &v) == 0) {
		if (command_parse_mode(v, strlen(v), &mode, NULL) == 0) {
			s->mode = mode;
			s->mode_kept = true;
		}
		free(v);
	}
	if (s->floor_pending || s->mode_pending)
		heating_settings_flush(s);
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
	char when[40], span[32];
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
			     "ignoring %s sent at %s, %s ago: older than command_max_age "
			     "(replayed after an outage?)",
			     what, when, clock_format_span(now_s - sent_s, span, sizeof(span)));
		return false;
	}
	/* Taken: a Pi without a clock chip starts behind until NTP, and must still obey. */
	if (sent_s > now_s && (uint64_t) (sent_s - now_s) * 1000000ULL > s->max_age_usec)
		warn_limited(warn,
			     "%s is sent %s ahead of this machine's clock: taken, but is the clock "
			     "right (NTP)?",
			     what, clock_format_span(sent_s - now_s, span, sizeof(span)));
	*payload = *ret_rest;
	*len = strlen(*ret_rest);
	return true;
}

static bool take_floor(struct heating_settings *s, const void *payload, size_t len)
{
	const struct config_heating *c = s->config;
	char said[48];
	const char *reason;
	double v;
	int r;

	assert(s);
	r = command_parse_floor(payload, len, c->floor_min_c, c->floor_max_c, &v, &reason);
	if (r == -ERANGE) {
		warn_limited(&s->warn_floor, "ignoring set/floor: %.6g °C is %s, %.1f to %.1f °C",
			     v, reason, c->floor_min_c, c->floor_max_c);
		return false;
	}
	if (r < 0) {
		warn_limited(&s->warn_floor,
			     "ignoring set/floor: %s (allowed %.1f to %.1f °C); it said '%s'",
			     reason, c->floor_min_c, c->floor_max_c,
			     log_excerpt(payload, len, said, sizeof(said)));
		return false;
	}
	if (v == s->floor_c && (s->floor_kept || s->floor_pending)) {
		log_debug("heating: floor already %.1f °C", v);
		return false;
	}
	s->floor_c = v;
	s->floor_kept = false;
	s->floor_pending = true;
	keep_soon(s);
	warn_limited(&s->info_floor, "heating: floor set to %.1f °C", v);
	return true;
}

static bool take_mode(struct heating_settings *s, const void *payload, size_t len)
{
	char said[48];
	enum command_mode m;
	const char *reason;

	assert(s);
	if (command_parse_mode(payload, len, &m, &reason) < 0) {
		warn_limited(&s->warn_mode, "ignoring set/mode: %s; it said '%s'", reason,
			     log_excerpt(payload, len, said, sizeof(said)));
		return false;
	}
	if (m == s->mode && (s->mode_kept || s->mode_pending)) {
		log_debug("heating: mode already %s", command_mode_to_string(m));
		return false;
	}
	s->mode = m;
	s->mode_kept = false;
	s->mode_pending = true;
	keep_soon(s);
	warn_limited(&s->info_mode, "heating: mode set to %s", command_mode_to_string(m));
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
