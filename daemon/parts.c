#include "daemon/parts.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/clock.h"
#include "daemon/log.h"
#include "daemon/room-sampler.h"

/*
 * A cramp within this of now is live: what is true now is its context. Not one
 * from before the start (sent while bedroomd was stopped): nothing measured the
 * room then, and the room now is unknown yet or another.
 */
#define CONTEXT_LIVE_S (5 * 60)
/*
 * A cramp remembered later takes the sample nearest its time: up to twice the
 * sampling interval before it (one missed), and up to one after it. A sample
 * further after is of a room nobody measured at the cramp's time (bedroomd
 * was not running yet): none then, not one from later.
 */
#define CONTEXT_SAMPLE_BEFORE_S (10 * 60)
#define CONTEXT_SAMPLE_AFTER_S  (5 * 60)

struct parts {
	const struct parts_env *env;
	struct store *store;
	struct room_sampler *sampler;
	uint64_t started_usec; /* monotonic: this run's start, which a reload keeps */

	struct room *room;
	struct inputs *inputs;
	struct heating *heating;
	struct reminders *reminders;
};

static void changed(struct parts *p)
{
	if (p->env->changed)
		p->env->changed(p->env->userdata);
}

static void on_room_changed(void *userdata)
{
	changed(userdata);
}

/* Every reading the room takes, for the store's samples: a dip between two publishes too. */
static void on_room_reading(void *userdata)
{
	struct parts *p = userdata;
	double c;

	if (room_temperature(p->room, &c))
		room_sampler_take(p->sampler, c, (int64_t) (clock_realtime_usec() / 1000000),
				  clock_monotonic_usec());
	else
		room_sampler_unknown(p->sampler);
}

static const struct room_callbacks room_callbacks = {
	.changed = on_room_changed,
	.reading = on_room_reading,
};

static void on_part_changed(void *userdata)
{
	changed(userdata);
}

/* A bedside button (or a suspicion from movement): stored first, then delivered. */
static void on_button_cramp(const struct inputs_cramp *c, void *userdata)
{
	struct parts *p = userdata;

	(void) cramp_log_record(p->env->cramps, inputs_leg_name(c->leg), NULL,
				(int64_t) (c->realtime_usec / 1000000), c->source, c->suspected,
				NULL);
}

static const struct inputs_callbacks inputs_callbacks = {
	.changed = on_part_changed,
	.cramp = on_button_cramp,
};

static const struct heating_callbacks heating_callbacks = {
	.changed = on_part_changed,
};

static const struct reminders_callbacks reminders_callbacks = {
	.changed = on_part_changed,
};

int parts_new(const struct parts_env *env, const struct config *config, struct parts **ret)
{
	struct parts *p;
	int r;

	assert(env);
	assert(config);
	assert(ret);
	p = calloc(1, sizeof(*p));
	if (!p)
		return log_error_errno(-ENOMEM, "cannot set up the configuration");
	p->env = env;
	p->started_usec = clock_monotonic_usec();
	r = room_sampler_new(env->event, ROOM_SAMPLE_USEC, &p->sampler);
	if (r < 0) {
		log_error_errno(r, "cannot set up the room temperature's samples");
		goto out;
	}
	r = room_new(env->event, config, env->alerts, &room_callbacks, p, &p->room);
	if (r < 0) {
		log_error_errno(r, "cannot set up the room sensors");
		goto out;
	}
	r = inputs_new(env->event, config, env->alerts, &inputs_callbacks, p, &p->inputs);
	if (r < 0) {
		log_error_errno(r, "cannot set up the bed inputs");
		goto out;
	}
	r = heating_new(env->event, config, env->alerts, p->room, p->inputs, &heating_callbacks, p,
			&p->heating);
	if (r < 0)
		goto out; /* logged */
	r = reminders_new(env->event, config, env->cramps, p->inputs, env->alerts,
			  &reminders_callbacks, p, &p->reminders);
	if (r < 0)
		goto out; /* logged */
	*ret = p;
	return 0;
out:
	parts_free(p);
	return r;
}

struct parts *parts_free(struct parts *p)
{
	if (!p)
		return NULL;
	/* In reverse order of set-up: heating and the reminders hold the inputs. */
	p->reminders = reminders_free(p->reminders);
	p->heating = heating_free(p->heating);
	p->inputs = inputs_free(p->inputs);
	p->room = room_free(p->room);
	p->sampler = room_sampler_free(p->sampler);
	free(p);
	return NULL;
}

int parts_start(struct parts *p, struct mqtt *mqtt, struct store *store)
{
	int r, k;

	assert(p);
	assert(mqtt);
	p->store = store;
	room_sampler_set_store(p->sampler, store);
	/* Each on its own: one that cannot start does not keep the others (heating) down. */
	r = room_start(p->room, mqtt);
	inputs_set_store(p->inputs, store); /* before its first levels: in bed since when */
	k = inputs_start(p->inputs, mqtt);
	r = r < 0 ? r : k;
	k = heating_start(p->heating, mqtt, store);
	r = r < 0 ? r : k;
	k = reminders_start(p->reminders, mqtt, store);
	return r < 0 ? r : k;
}

/* A source of room, input or heating alerts that the new configuration does not have. */
static bool source_gone(const char *source, void *userdata)
{
	const struct parts *p = userdata;
	bool ours = strncmp(source, "heater.", 7) == 0 || strncmp(source, "sensor.", 7) == 0 ||
		    strncmp(source, "input.", 6) == 0 || strcmp(source, "heating") == 0;

	return ours && parts_alert_horizon_usec(p, NULL, source) == 0;
}

void parts_adopt(struct parts *p, struct parts *old, const char *new_broker)
{
	assert(p);
	assert(old);
	struct room_reading reading;
	bool same_thermometers;

	same_thermometers = room_adopt(p->room, old->room);
	/* Before heating and the reminders, which ask the inputs whether the person is in bed. */
	inputs_adopt(p->inputs, old->inputs);
	heating_adopt(p->heating, old->heating, new_broker);
	/* Heating goes on from what the new room knows: nothing, if its thermometer changed. */
	room_current_reading(p->room, &reading);
	heating_take_room_reading(p->heating, &reading, !same_thermometers);
	reminders_adopt(p->reminders, old->reminders);
	/* The old parts' window ends with the reload: its lowest is written now. */
	room_sampler_adopt(p->sampler, old->sampler);
	p->started_usec = old->started_usec;
	(void) alerts_clear_gone(p->env->alerts, source_gone, p, clock_realtime_usec());
}

void parts_stop(struct parts *p)
{
	assert(p);
	reminders_stop(p->reminders);
	/* The old heaters go off first; the new ones decide afresh. */
	heating_stop(p->heating);
	/* The old inputs release their GPIO lines before the new ones ask for them. */
	inputs_stop(p->inputs);
	room_stop(p->room);
	room_sampler_flush(p->sampler);
}

void parts_heaters_off(struct parts *p)
{
	assert(p);
	heating_off(p->heating);
}

bool parts_heaters_off_unconfirmed(const struct parts *p)
{
	assert(p);
	return heating_off_unconfirmed(p->heating);
}

void parts_say_heaters_off_unconfirmed(struct parts *p, const char *waited)
{
	assert(p);
	heating_say_off_unconfirmed(p->heating, waited);
}

void parts_set_store(struct parts *p, struct store *store)
{
	assert(p);
	p->store = store;
	room_sampler_set_store(p->sampler, store);
	room_sampler_flush(p->sampler); /* what waited for a store */
	inputs_set_store(p->inputs, store);
	heating_set_store(p->heating, store);
	reminders_set_store(p->reminders, store);
}

int parts_add_state(struct parts *p, json_t *state)
{
	int r;

	assert(p);
	assert(state);
	r = room_add_state(p->room, state);
	if (r >= 0)
		r = inputs_add_state(p->inputs, state);
	if (r >= 0)
		r = heating_add_state(p->heating, state);
	if (r >= 0)
		r = reminders_add_state(p->reminders, state);
	return r;
}

bool parts_store_failing(const struct parts *p)
{
	return reminders_store_failing(p->reminders) || heating_store_failing(p->heating);
}

const struct room *parts_room(const struct parts *p)
{
	return p->room;
}

const struct inputs *parts_inputs(const struct parts *p)
{
	return p->inputs;
}

uint64_t parts_alert_horizon_usec(const struct parts *p, const char *kind, const char *source)
{
	uint64_t room = p->room ? room_alert_horizon_usec(p->room, source) : 0;
	uint64_t heating = p->heating ? heating_alert_horizon_usec(p->heating, kind, source) : 0;
	uint64_t inputs = p->inputs ? inputs_alert_horizon_usec(p->inputs, kind, source) : 0;

	if (inputs > room)
		room = inputs;
	return room > heating ? room : heating;
}

const struct heating *parts_heating(const struct parts *p)
{
	return p->heating;
}

void parts_cramp_context(const struct parts *p, struct store *store, int64_t time_s, int64_t now,
			 struct cramp_context *ret)
{
	int64_t age_s = now - time_s;
	uint64_t running_usec = clock_monotonic_usec() - p->started_usec;
	/* Its whole second after the start (monotonic: a clock set by NTP moves no cramp). */
	bool live = age_s <= CONTEXT_LIVE_S &&
		    (age_s < 0 || (uint64_t) (age_s + 1) * 1000000ULL <= running_usec);
	uint64_t since = 0;
	int in_bed;
	double c;

	if (store && store_room_temperature_min(store, time_s - 6 * 3600, time_s, &c) == 0)
		ret->min_room_c = c;
	/* The lowest not written yet, and the room now: the lowest before a cramp includes them. */
	if (room_sampler_pending_lowest(p->sampler, time_s - 6 * 3600, time_s, &c) &&
	    !(c >= ret->min_room_c))
		ret->min_room_c = c;
	ret->soak_done = reminders_foot_soak_done(store, time_s);
	if (!live) {
		if (store && store_room_temperature_at(store, time_s, CONTEXT_SAMPLE_BEFORE_S,
						       CONTEXT_SAMPLE_AFTER_S, &c) == 0)
			ret->room_c = c;
		return;
	}
	if (room_temperature(parts_room(p), &c)) {
		ret->room_c = c;
		if (!(c >= ret->min_room_c))
			ret->min_room_c = c;
	}
	in_bed = inputs_in_bed(parts_inputs(p), &since);
	if (in_bed >= 0) {
		ret->in_bed = in_bed;
		ret->in_bed_since = in_bed ? (int64_t) (since / 1000000) : 0;
	}
	ret->heater_on = heating_heater_on(parts_heating(p));
	ret->heater_duty_1h = heating_duty_1h(parts_heating(p));
}
