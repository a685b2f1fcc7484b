#include "daemon/heating.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "actuators/heater.h"
#include "control/thermostat.h"
#include "daemon/clock-jump.h"
#include "daemon/clock.h"
#include "daemon/event-source.h"
#include "daemon/heating-internal.h"
#include "daemon/heating-path.h"
#include "daemon/log.h"

static void arm_timer(struct heating *h, uint64_t at)
{
	if (h->off)
		return;
	for (unsigned i = 0; i < h->n_stages; i++) {
		if (h->stages[i].wake_usec < at)
			at = h->stages[i].wake_usec;
		/* The count of a plug's reports held back, said when their window is over. */
		if (log_limit_due_usec(&h->stages[i].plug_events) < at)
			at = log_limit_due_usec(&h->stages[i].plug_events);
		if (log_limit_due_usec(&h->stages[i].plug_availability) < at)
			at = log_limit_due_usec(&h->stages[i].plug_availability);
	}
	if (heating_relays_due(h) < at)
		at = heating_relays_due(h); /* the step then keeps what switched */
	if (h->stale_alert_due_usec && h->stale_alert_due_usec < at)
		at = h->stale_alert_due_usec;
	if (heating_retired_due(h) < at)
		at = heating_retired_due(h);
	(void) event_deadline_set(&h->wake, at);
}

void heating_rearm(struct heating *h)
{
	/* Without a heater there is no thermostat, and no decision to wake for. */
	arm_timer(h, h->have_decision ? h->last.next_wakeup_usec : UINT64_MAX);
}

void heating_send(struct heating *h, const char *source, const struct heater_decision *d)
{
	/*
	 * QoS 0: a command is superseded, not owed. A QoS 1 command still unacknowledged
	 * when the connection dies is replayed by libmosquitto on reconnect (a persistent
	 * session), a stale ON ahead of the fresh decision; lost, the reconnect's fresh
	 * decision and the plug's confirmation (re-sent when missing) stand in for it.
	 */
	for (unsigned i = 0; i < d->n_messages; i++) {
		int r = mqtt_publish(h->mqtt, d->messages[i].topic, d->messages[i].payload,
				     strlen(d->messages[i].payload), 0, false, NULL);

		if (r < 0 && r != -ENOTCONN)
			log_warning_errno(r, "%s: cannot send '%s'", source, d->messages[i].topic);
	}
}

/*
 * Publishes a heater's messages and handles its alerts (@cause: the plug's
 * message that raised them, or NULL); true when it wants a new decision.
 */
bool heating_carry_out(struct stage *s, const struct heater_decision *d,
		       const struct mqtt_message *cause)
{
	struct heating *h = s->heating;
	uint64_t now = clock_realtime_usec();
	char message[256], line[384];
	bool alert_said = false; /* heater_unconfirmed, in the line of the plug's word */

	heating_send(h, s->source, d);
	if (d->event != HEATER_EVENT_NONE)
		heating_log_plug_event(s, d, clock_monotonic_usec());
	if (d->word.kind != HEATER_WORD_NONE)
		alert_said = heating_log_plug_word(s, d, cause ? cause->topic : "?");
	for (unsigned a = 0; a < _HEATER_ALERT_MAX; a++) {
		const char *kind = heater_alert_to_string((enum heater_alert) a);

		if (d->alerts_raised & HEATER_ALERT_BIT(a)) {
			char power[32];

			if (!(a == HEATER_ALERT_UNCONFIRMED && alert_said))
				heating_log_plug_alert(s, (enum heater_alert) a, cause);
			if (a == HEATER_ALERT_OFFLINE)
				snprintf(message, sizeof(message),
					 "The smart plug of heater '%s' is offline.", s->cfg->name);
			else if (heating_plug_says_otherwise(s, power, sizeof(power)))
				snprintf(message, sizeof(message),
					 "The smart plug of heater '%s' says it is %s%s, though "
					 "bedroomd switched it %s.",
					 s->cfg->name, s->on ? "off" : "on", power,
					 s->on ? "on" : "off");
			else if (!heating_plug_word_alert(s, line, sizeof(line), message,
							  sizeof(message)))
				snprintf(message, sizeof(message),
					 "The smart plug of heater '%s' does not confirm commands "
					 "(told %s): the heater may be on or off. Is the plug "
					 "powered and on the network? bedroomd keeps sending.",
					 s->cfg->name, s->on ? "ON" : "OFF");
			(void) alerts_raise(h->alerts, kind, s->source, message, now);
		}
		if (d->alerts_cleared & HEATER_ALERT_BIT(a)) {
			log_info("%s: %s is over: the plug answers again", s->source, kind);
			snprintf(message, sizeof(message),
				 "The smart plug of heater '%s' answers again.", s->cfg->name);
			(void) alerts_clear(h->alerts, kind, s->source, message, now);
		}
	}
	s->wake_usec = d->next_wakeup_usec;
	return d->redecide;
}

static void step(struct heating *h)
{
	uint64_t now = clock_monotonic_usec();
	const char *before = heating_action(h);
	bool had_decision = h->have_decision;
	enum thermostat_reason reason_before = had_decision ? heating_reason(h) : 0;
	struct thermostat_learned learned;
	struct thermostat_decision d;
	bool again = false;
	int r;

	if (!h->thermostat || h->off)
		return;
	heating_fill_inputs(h);
	thermostat_get_learned(h->thermostat, &learned);
	r = heating_path_decide(h->thermostat, &h->in, h->n_stages, now,
				heating_local_second_of_day(h), &d);
	if (r < 0) {
		/* Never happens with a good clock; the decision is all off if it does. */
		log_error_errno(r, "heating: the thermostat refused its inputs, heaters off");
	} else {
		heating_raise_or_clear(h, d.alerts_raised, d.alerts_cleared, NULL);
		heating_stale_alert_due(h, now);
		heating_model_step(h, &d, &learned, now);
	}
	for (unsigned i = 0; i < h->n_stages; i++) {
		struct stage *s = &h->stages[i];
		struct heater_decision hd;

		heating_account(s, now);
		if (s->on != d.stage[i].on) {
			s->on = d.stage[i].on;
			heating_log_switch(h, i, r < 0 ? NULL : &d);
		}
		heating_raise_or_clear(h, d.stage[i].alerts_raised, d.stage[i].alerts_cleared, s);
		if (h->connected) {
			heater_set(s->heater, s->on, now, &hd);
			again |= heating_carry_out(s, &hd, NULL);
			heating_relays_keep(s, now, clock_realtime_usec(), false);
		}
	}
	h->last = d;
	h->have_decision = true;
	h->stepped = true;
	arm_timer(h, again ? now : d.next_wakeup_usec);
	/* The state shows both: a relay held off by min_off changes the reason, not the action. */
	if ((strcmp(before, heating_action(h)) != 0 || !had_decision ||
	     reason_before != heating_reason(h)) &&
	    h->cb->changed)
		h->cb->changed(h->userdata);
}

static int on_timer(sd_event_source *es, uint64_t usec, void *userdata)
{
	struct heating *h = userdata;
	uint64_t now = clock_monotonic_usec();
	bool again = false, changed = false;

	if (event_deadline_early(&h->wake, now))
		return 0;
	for (unsigned i = 0; i < h->n_stages; i++) {
		struct stage *s = &h->stages[i];
		struct heater_decision hd;
		struct heater_status before;

		heating_log_plug_events_held(s, now);
		if (s->wake_usec > now || !h->connected)
			continue;
		heater_get_status(s->heater, &before);
		heater_tick(s->heater, now, &hd);
		again |= heating_carry_out(s, &hd, NULL);
		changed |= hd.state != before.state;
	}
	if (h->connected) {
		heating_retired_tick(h, now);
		heating_rearm(h); /* step() does not, without a thermostat */
	}
	(void) again; /* a step follows anyway */
	/* step() says itself when the action or its reason changed. */
	step(h);
	/* A re-send or a thermostat wake-up that changed nothing is no new state to publish. */
	if (changed && h->cb->changed)
		h->cb->changed(h->userdata);
	return 0;
}

/* The wall clock was set or the time zone changed: the night window is elsewhere now. */
static void on_clock_change(enum clock_change change, void *userdata)
{
	struct heating *h = userdata;

	log_info("heating: %s; deciding again",
		 change == CLOCK_CHANGE_ZONE ? "the time zone changed" : "the wall clock was set");
	h->clock_set = false; /* known to be set again at the step, or not */
	clock_offset_cache_forget(&h->local_offset);
	step(h);
}

static int make_stage(struct heating *h, struct stage *s, const struct config_heater *cfg)
{
	struct heater_params p;
	int r;

	s->heating = h;
	s->cfg = cfg;
	s->wake_usec = UINT64_MAX;
	s->plug_events = (struct log_limit) PLUG_EVENT_LIMIT_INIT;
	s->plug_availability = (struct log_limit) PLUG_AVAILABILITY_LIMIT_INIT;
	snprintf(s->source, sizeof(s->source), "heater.%s", cfg->name);
	heater_params_init(&p, cfg->type);
	p.topic = cfg->topic;
	p.base_topic = cfg->base_topic;
	p.switch_id = cfg->switch_id;
	p.command_topic = cfg->command_topic;
	p.state_topic = cfg->state_topic;
	p.availability_topic = cfg->availability_topic;
	p.payload_on = cfg->payload_on;
	p.payload_off = cfg->payload_off;
	p.state_on = cfg->state_on;
	p.state_off = cfg->state_off;
	p.availability_online = cfg->availability_online;
	p.json_key = cfg->json_key;
	p.power_json_key = cfg->power_json_key;
	p.client_id = h->config->mqtt.client_id;
	p.auto_off_usec = cfg->auto_off_usec;
	p.confirm_timeout_usec = cfg->confirm_timeout_usec;
	p.min_power_w = cfg->min_power_w;
	s->params = p;
	r = heater_new(&p, &s->heater);
	if (r < 0)
		return log_error_errno(r,
				       "%s: cannot set up the plug (a topic with '+', '#' or "
				       "nothing?)",
				       s->source);
	s->n_slots = heater_n_subscriptions(s->heater);
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers, one pointer each. */
	s->slots = calloc(s->n_slots + 1, sizeof(*s->slots));
	return s->slots ? 0 : -ENOMEM;
}

static int make_thermostat(struct heating *h)
{
	heating_path_params(h->config, h->n_stages, &h->thermostat_params);
	return thermostat_new(&h->thermostat_params, &h->thermostat);
}

static void set_connected(struct heating *h, bool connected)
{
	uint64_t now = clock_monotonic_usec();

	/* Lost while a stop waits for the OFFs: the plugs that did not confirm will not now. */
	if (!connected && h->connected)
		heating_say_off_unconfirmed(h, NULL);
	h->connected = connected;
	heating_outdoor_connection(h, connected);
	for (unsigned i = 0; i < h->n_stages; i++) {
		struct heater_decision hd;

		heater_connection(h->stages[i].heater, connected, now, &hd);
		(void) heating_carry_out(&h->stages[i], &hd, NULL);
	}
	heating_retired_connection(h, connected, now);
	heating_rearm(h);
	/* Never replayed: a decision is made afresh on every reconnect. */
	if (connected)
		step(h);
}

static void on_connected(struct mqtt *mqtt, void *userdata)
{
	set_connected(userdata, true);
}

static void on_disconnected(struct mqtt *mqtt, void *userdata)
{
	set_connected(userdata, false);
}

static const struct mqtt_watch_callbacks watch_callbacks = {
	.connected = on_connected,
	.disconnected = on_disconnected,
};

static void on_floor_message(const struct mqtt_message *msg, void *userdata)
{
	struct heating *h = userdata;

	if (command_guard_refuses(&h->floor_guard, &h->settings.warn_floor, msg, NULL) ||
	    !heating_settings_set_floor(&h->settings, msg->payload, msg->len))
		return;
	step(h);
	if (h->cb->changed)
		h->cb->changed(h->userdata);
}

static void on_mode_message(const struct mqtt_message *msg, void *userdata)
{
	struct heating *h = userdata;

	if (command_guard_refuses(&h->mode_guard, &h->settings.warn_mode, msg, NULL) ||
	    !heating_settings_set_mode(&h->settings, msg->payload, msg->len))
		return;
	step(h);
	if (h->cb->changed)
		h->cb->changed(h->userdata);
}

static void on_outdoor_message(const struct mqtt_message *msg, void *userdata)
{
	heating_outdoor_receive(userdata, msg);
}

static void on_plug_message(const struct mqtt_message *msg, void *userdata)
{
	struct stage *s = userdata;
	struct heating *h = s->heating;
	struct heater_decision hd;
	bool dead_man = heater_preset_has_dead_man(heater_preset(s->heater));
	int r;

	r = heater_receive(s->heater, msg->topic, msg->payload, msg->len, clock_monotonic_usec(),
			   &hd);
	if (r < 0) {
		log_debug("%s: ignoring a message on '%s': %s", s->source, msg->topic,
			  strerror(-r));
		return;
	}
	heating_say_dead_man_ignored(s, dead_man);
	if (heating_carry_out(s, &hd, msg))
		step(h);
	else
		arm_timer(h, h->last.next_wakeup_usec);
	if (h->cb->changed)
		h->cb->changed(h->userdata);
}

void heating_take_room_reading(struct heating *h, const struct room_reading *reading,
			       bool thermometers_changed)
{
	assert(h);
	assert(reading);
	assert(!h->mqtt); /* before heating_start() */
	heating_path_reading(&h->in, reading);
	if (thermometers_changed && h->thermostat) {
		h->thermometers_changed = true;
		thermostat_sensor_changed(h->thermostat, clock_monotonic_usec());
		/* Heaters that were on go off now: the journal says why. */
		log_info("heating: the thermometers changed with the reload: the heaters are off "
			 "until a reading comes (no_reading_yet)");
	}
}

/* A room reading that is news: the value, and the time it was taken, for the thermostat. */
static void on_room_reading(const struct room_reading *reading, void *userdata)
{
	struct heating *h = userdata;

	heating_path_reading(&h->in, reading);
	if (reading->known)
		log_debug("heating: room %.3f °C, taken at %.3f s", h->in.room_c,
			  (double) reading->taken_usec / 1e6);
	else
		log_debug("heating: room temperature unknown");
	step(h);
}

/* The store refused the floor or mode: the manager's flush tries again (parts_store_failing()). */
static void settings_failed(void *userdata)
{
	struct heating *h = userdata;

	if (h->cb && h->cb->changed)
		h->cb->changed(h->userdata);
}

int heating_new(sd_event *event, const struct config *config, struct alerts *alerts,
		struct room *room, struct inputs *inputs, const struct heating_callbacks *cb,
		void *userdata, struct heating **ret)
{
	struct heating *h;
	int r = 0;

	assert(event);
	assert(config);
	assert(alerts);
	assert(room);
	assert(cb);
	assert(ret);
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->inputs = inputs;
	h->event = sd_event_ref(event);
	h->config = config;
	h->alerts = alerts;
	h->cb = cb;
	h->userdata = userdata;
	heating_settings_init(&h->settings, &config->heating);
	h->settings.max_age_usec = config->mqtt.command_max_age_usec;
	heating_settings_watch(&h->settings, event, settings_failed, h);
	heating_path_input_init(&config->heating, &h->in);
	if (config->n_heaters > THERMOSTAT_STAGES_MAX) {
		log_error("heating: at most %d heaters can be staged, %zu are configured",
			  THERMOSTAT_STAGES_MAX, config->n_heaters);
		r = -E2BIG;
		goto out;
	}
	for (; h->n_stages < config->n_heaters && r >= 0; h->n_stages++)
		r = make_stage(h, &h->stages[h->n_stages], &config->heaters[h->n_stages]);
	if (r >= 0 && h->n_stages > 0)
		r = make_thermostat(h);
	if (r >= 0)
		r = sd_event_add_time(event, &h->wake.timer, CLOCK_MONOTONIC, UINT64_MAX, 0,
				      on_timer, h);
	if (r >= 0)
		r = event_source_describe(h->wake.timer, "heating");
	if (r >= 0)
		r = heating_outdoor_init(h);
	if (r >= 0 && h->thermostat)
		r = clock_jump_new(event, on_clock_change, h, &h->jump);
	if (r < 0)
		goto out;
	(void) sd_event_source_set_enabled(h->wake.timer, SD_EVENT_OFF);
	/* Every new room reading, at the time it was taken, from the room itself. */
	room_set_reading_handler(room, on_room_reading, h);
	*ret = h;
	return 0;
out:
	heating_free(h);
	return r;
}

static void drop_subscriptions(struct heating *h)
{
	h->floor_slot = mqtt_slot_free(h->floor_slot);
	h->mode_slot = mqtt_slot_free(h->mode_slot);
	h->outdoor_slot = mqtt_slot_free(h->outdoor_slot);
	h->watch = mqtt_slot_free(h->watch);
	for (unsigned i = 0; i < h->n_stages; i++)
		for (unsigned j = 0; h->stages[i].slots && j < h->stages[i].n_slots; j++)
			h->stages[i].slots[j] = mqtt_slot_free(h->stages[i].slots[j]);
	heating_retired_unsubscribe(h);
}

struct heating *heating_free(struct heating *h)
{
	if (!h)
		return NULL;
	drop_subscriptions(h);
	heating_settings_done(&h->settings);
	heating_outdoor_done(h);
	h->wake.timer = sd_event_source_disable_unref(h->wake.timer);
	h->jump = clock_jump_free(h->jump);
	for (unsigned i = 0; i < h->n_stages; i++) {
		free(h->stages[i].slots);
		heater_free(h->stages[i].heater);
	}
	thermostat_free(h->thermostat);
	heating_retired_free(h);
	heating_relays_forget(h);
	sd_event_unref(h->event);
	free(h);
	return NULL;
}

/*
 * The store opened only after the start (it could not then): the floor and
 * mode it kept from Home Assistant hold now, by the start's rules (a file
 * edited since wins, and so does a change made meanwhile).
 */
static void load_settings_late(struct heating *h, struct store *store)
{
	double floor_c = h->settings.floor_c;
	enum command_mode mode = h->settings.mode;

	heating_settings_load(&h->settings, store);
	if (h->settings.floor_c == floor_c && h->settings.mode == mode)
		return;
	log_info("heating: the store opened: %s, floor %.1f °C, as kept from Home Assistant",
		 command_mode_to_string(h->settings.mode), h->settings.floor_c);
	step(h);
	if (h->cb->changed)
		h->cb->changed(h->userdata);
}

void heating_set_store(struct heating *h, struct store *store)
{
	assert(h);
	if (store != h->settings.store) {
		/* Another file, or none (a damaged one replaced): it holds none of ours. */
		heating_settings_rekeep(&h->settings);
		for (unsigned i = 0; i < h->n_stages; i++) {
			h->stages[i].kept_known = false;
			h->stages[i].keep_pending |= h->stages[i].told_known;
		}
		h->model_kept = false;
	}
	h->settings.store = store;
	/* Started without one: none was loaded. (Before the start, heating_start() loads.) */
	if (store && !h->settings.loaded && h->mqtt)
		load_settings_late(h, store);
	heating_settings_flush(&h->settings); /* what a failing store refused */
	heating_model_restore(h);
	heating_relays_restore(h);
}

bool heating_store_failing(const struct heating *h)
{
	return h && heating_settings_failing(&h->settings);
}

/* Our topics: the commands, the outdoor thermometer, the plugs. */
static int subscribe(struct heating *h, struct mqtt *mqtt)
{
	const char *outdoor = h->config->heating.outdoor_topic;
	int r;

	r = mqtt_watch(mqtt, &watch_callbacks, h, &h->watch);
	if (r >= 0)
		r = mqtt_subscribe_below(mqtt, "set/floor", 1, on_floor_message, h, &h->floor_slot);
	if (r >= 0)
		r = mqtt_subscribe_below(mqtt, "set/mode", 1, on_mode_message, h, &h->mode_slot);
	if (r >= 0 && outdoor)
		r = mqtt_subscribe(mqtt, outdoor, 0, on_outdoor_message, h, &h->outdoor_slot);
	for (unsigned i = 0; i < h->n_stages && r >= 0; i++) {
		struct stage *s = &h->stages[i];

		for (unsigned j = 0; j < s->n_slots && r >= 0; j++)
			r = mqtt_subscribe(mqtt, heater_subscription(s->heater, j), 1,
					   on_plug_message, s, &s->slots[j]);
	}
	if (r >= 0)
		r = heating_retired_subscribe(h, mqtt);
	return r;
}

int heating_start(struct heating *h, struct mqtt *mqtt, struct store *store)
{
	char day[32], heaters[48];
	enum command_mode file_mode;
	int r;

	assert(h);
	assert(mqtt);
	h->mqtt = mqtt;
	heating_settings_load(&h->settings, store);
	/* Set before a reload and not kept yet: they hold, but an edit of the file wins. */
	if (h->carry_floor && !h->settings.floor_pending) {
		h->settings.floor_c = h->carried_floor_c;
		h->settings.floor_pending = true;
	}
	if (h->carry_mode && !h->settings.mode_pending) {
		h->settings.mode = h->carried_mode;
		h->settings.mode_pending = true;
	}
	heating_settings_flush(&h->settings);
	heating_model_restore(h);
	heating_relays_restore(h);
	r = subscribe(h, mqtt);
	if (r < 0)
		return log_error_errno(r, "heating: cannot subscribe");
	if (isnan(h->config->heating.day_floor_c))
		snprintf(day, sizeof(day), "no floor by day");
	else
		snprintf(day, sizeof(day), "%.1f °C by day", h->config->heating.day_floor_c);
	file_mode = h->config->heating.mode == CONFIG_HEATING_MODE_OFF ? COMMAND_MODE_OFF
								       : COMMAND_MODE_HEAT;
	if (h->n_stages == 0)
		snprintf(heaters, sizeof(heaters), "no heater: it only reports");
	else
		snprintf(heaters, sizeof(heaters), "%u heater%s", h->n_stages,
			 h->n_stages == 1 ? "" : "s");
	log_info("heating: %s%s, floor %.1f °C%s from %02d:%02d to %02d:%02d, %s, %s",
		 command_mode_to_string(h->settings.mode),
		 h->settings.mode_kept && h->settings.mode != file_mode
		     ? " (set from Home Assistant; a change of the file's mode overrides it)"
		     : "",
		 h->settings.floor_c,
		 h->settings.floor_kept && h->settings.floor_c != h->config->heating.floor_c
		     ? " (set from Home Assistant; a change of the file's floor overrides it)"
		     : "",
		 h->config->heating.night_start_min / 60, h->config->heating.night_start_min % 60,
		 h->config->heating.night_end_min / 60, h->config->heating.night_end_min % 60, day,
		 heaters);
	/*
	 * Adopted heaters knew a connection: tell them when this one is not up yet.
	 * New ones (at a reload, a heater added or changed) know none: tell them it is
	 * up, or they would never send (no "connected" comes for a connection that is).
	 */
	if (!mqtt_is_connected(mqtt)) {
		set_connected(h, false);
	} else {
		uint64_t now = clock_monotonic_usec();

		h->connected = true;
		heating_outdoor_connection(h, true);
		for (unsigned i = 0; i < h->n_stages; i++) {
			struct heater_decision hd;

			if (h->stages[i].adopted)
				continue;
			heater_connection(h->stages[i].heater, true, now, &hd);
			(void) heating_carry_out(&h->stages[i], &hd, NULL);
		}
		heating_retired_connection(h, true, now);
	}
	heating_rearm(h);
	step(h);
	return 0;
}

void heating_stop(struct heating *h)
{
	heating_off(h);
	drop_subscriptions(h);
}
