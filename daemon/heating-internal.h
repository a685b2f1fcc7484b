#pragma once

/*
 * Internal to heating: its state, shared by heating.c (the loop: readings,
 * decisions, commands, subscriptions), heating-state.c (what it reports),
 * heating-adopt.c (what a reload keeps), heating-model.c (what the
 * thermostat learned: kept, restored, shown), heating-relays.c (when the
 * relays last switched: kept, restored), heating-outdoor.c (the outdoor
 * thermometer: read, said, shown) and heating-switch-log.c (each switch,
 * said). Only heating.c calls into the others (and heating-adopt.c into
 * heating-model.c).
 */

#include <stdbool.h>
#include <stdint.h>

#include "actuators/heater-preset.h"
#include "actuators/heater.h"
#include "control/duty-hour.h"
#include "control/log-limit.h"
#include "control/thermostat.h"
#include "daemon/clock.h"
#include "daemon/command-guard.h"
#include "daemon/event-source.h"
#include "daemon/heating-settings.h"
#include "daemon/heating.h"
#include "sensors/payload-refusals.h"
#include "sensors/topic-silence.h"

#define MINUTE_USEC (60ULL * 1000000ULL)

/* A plug switched against its command: lines in full per window, the rest counted. */
#define PLUG_EVENT_LIMIT_INIT LOG_LIMIT_INIT(10 * MINUTE_USEC, 3)
/* A plug going offline and back: three such blips a window in full (a line each way). */
#define PLUG_AVAILABILITY_LIMIT_INIT LOG_LIMIT_INIT(10 * MINUTE_USEC, 6)

struct stage {
	struct heating *heating;
	const struct config_heater *cfg;
	char source[80];             /* "heater.NAME" */
	struct heater_params params; /* what the heater is made from (strings: the config's) */
	struct heater *heater;       /* NULL once a reload's new heating adopted it */
	struct mqtt_slot **slots;    /* one per topic of the plug */
	unsigned n_slots;
	uint64_t wake_usec;
	bool on;
	bool adopted;     /* taken over at a reload, with what it knew of the connection */
	bool handed_over; /* its plug is driven by a changed heater of a reload: no OFF */
	bool taken_over;  /* a reload's changed heater, with the plug of one before it */
	bool new_plug;    /* a reload's heater of an old name on another plug: no relay memory */
	bool plug_held;   /* min_off from a plug a reload let go held it (heating-relays.c) */
	bool off_awaited; /* heating_off() waits for its plug's OFF; until it comes or is said */
	/* What the store says the relay was last told (heating-relays.c); unknown: not read. */
	bool kept_known, kept_on;
	/* What it was last told, and when (wall clock); not kept yet while keep_pending. */
	bool told_known, told_on, keep_pending;
	uint64_t told_at_usec;   /* wall clock, for the store */
	uint64_t told_mono_usec; /* monotonic, for a reload's new thermostat */
	/* Writes to the store in the minute from keep_window_usec (monotonic): a few at most. */
	uint64_t keep_window_usec;
	unsigned keep_writes;
	struct duty_hour duty;              /* for the cramp log's context */
	struct log_limit plug_events;       /* the journal's lines of heater_decision.event */
	struct log_limit plug_availability; /* its lines of going offline and back */
	/* A reload's: the old thermostat's rest and alerts for it, until the new one takes them. */
	bool rest_pending;
	struct thermostat_rest rest;
};

/*
 * The outdoor thermometer (heating-outdoor.c); its value is the thermostat's
 * input (in.outdoor_c) until it is max_age_usec old: then the thermostat is
 * told the outdoor temperature is unknown (in.outdoor_known false) until the
 * next one comes, and the state still shows the last value with its time.
 */
struct heating_outdoor {
	uint64_t at_usec;      /* monotonic: when the value in use came */
	uint64_t max_age_usec; /* THERMOSTAT_DEFAULT_OUTDOOR_MAX_AGE_USEC */
	bool retained;         /* it came retained: its age is unknown (counted from then) */
	bool stale;            /* too old: in.outdoor_c is the last value, not in use */
	bool said;             /* the journal said the first reading */
	struct payload_refusals refusals;
	struct topic_silence silence;
	sd_event_source *silence_timer; /* only with an outdoor_topic */
	sd_event_source *age_timer;     /* only with an outdoor_topic: when the value goes stale */
};

/* Why heating_off() switches the heaters off: for what the journal says. */
enum heating_stop {
	HEATING_STOP_SHUTDOWN,       /* bedroomd stops */
	HEATING_STOP_RELOAD,         /* a reload: those it does not take over */
	HEATING_STOP_NEW_CONNECTION, /* a reload to another MQTT connection: all */
};

/*
 * A plug a reload let go (its heater removed, renamed, or moved to another
 * plug) and when it went off (monotonic): min_off holds it off for whichever
 * heater drives it next, whatever that one is called (heating-relays.c). Kept
 * from reload to reload while min_off may still hold.
 */
struct plug_off {
	char *plug; /* the plug's identity: type, device, switch, command topic */
	uint64_t off_usec;
	/* For the journal: the heater that drove it, and what the reload did to it. */
	char heater[80];
	enum heating_stop why; /* HEATING_STOP_RELOAD: removed, or moved when @moved */
	bool moved;            /* its heater went on to another plug */
	bool was_on;           /* switched off by the reload (else off since before it) */
	bool unsent;           /* ... told off while the broker was away: the OFF is to go */
	bool earlier;          /* let go by a reload before the last */
};

/*
 * A plug a reload let go (its heater removed, renamed or moved to another plug)
 * while it may still be on: the next heating sees it off (heating-retired.c).
 */
struct retired_plug {
	struct heating *heating;
	struct heater *heater;
	char source[96]; /* "heater.NAME (old plug)": its alerts' and the journal's */
	char *plug;      /* heater_params_plug_key() of its plug */
	struct mqtt_slot **slots;
	unsigned n_slots;
	uint64_t wake_usec; /* its re-send due (monotonic), UINT64_MAX: none */
	unsigned alerted;   /* HEATER_ALERT_BIT()s raised for it */
};

struct heating {
	sd_event *event;
	const struct config *config;
	struct alerts *alerts;
	const struct heating_callbacks *cb;
	void *userdata;
	struct mqtt *mqtt;
	struct inputs *inputs; /* whether the person is in bed */

	/* A reload's: the floor and mode the old heating had not kept yet (a failing store). */
	bool carry_floor, carry_mode;
	bool thermometers_changed; /* a reload's: no reading until the new ones report */
	double carried_floor_c;
	enum command_mode carried_mode;

	struct thermostat_params thermostat_params;
	struct thermostat *thermostat;
	struct thermostat_input in;
	struct thermostat_decision last;
	bool have_decision;
	struct clock_jump *jump; /* the wall clock set, the time zone changed: decide again */
	bool clock_set;          /* the wall clock is known to be set (local_second_of_day()) */
	bool clock_unset_told;   /* the journal was told it is not */
	struct clock_offset_cache local_offset; /* local_second_of_day()'s, at every step */
	struct stage stages[THERMOSTAT_STAGES_MAX];
	unsigned n_stages;

	/* What the thermostat learned, kept in the store (heating-model.c). */
	bool model_tried; /* restored or handed on: not again from the store */
	bool model_kept;  /* the store holds kept_model */
	struct thermostat_model kept_model;
	uint64_t model_keep_usec; /* kept again no sooner than this */
	/* The relays' last commands from the store, into the thermostat (heating-relays.c). */
	bool relays_tried;          /* restored, or the thermostat kept its own at a reload */
	struct plug_off *plugs_off; /* the plugs reloads let go, min_off not over yet */
	unsigned n_plugs_off;
	bool reloaded;                 /* made by a reload (for what the log says) */
	bool stepped;                  /* step() ran: a switch now is no reload's */
	enum heating_stop stop_for;    /* set by the reload that takes over (heating_adopt()) */
	struct retired_plug **retired; /* let go by reloads, not yet said OFF */
	unsigned n_retired;

	/*
	 * Monotonic: the room-wide sensor_stale alert goes out then, unless a room
	 * thermometer's own sensor_stale says it already (heating-alert-log.c); 0: none due.
	 */
	uint64_t stale_alert_due_usec;

	struct heating_settings settings;             /* floor and mode */
	struct command_guard floor_guard, mode_guard; /* retained and empty ones are no commands */
	struct mqtt_slot *floor_slot, *mode_slot, *outdoor_slot, *watch;
	struct heating_outdoor outdoor;
	struct event_deadline wake; /* the next decision or plug re-send due */
	bool connected;
	bool off; /* heating_off(): no more decisions, whatever arrives */
};

/*
 * Relay care across a restart (or a reload that makes the thermostat anew), in
 * heating-relays.c: what the store says each relay was last told, and when,
 * into the thermostat (once, when heating has both, before a stage switched);
 * logged when min_off holds a heater off for it.
 */
void heating_relays_restore(struct heating *h);

/*
 * A reload: the plugs @old lets go (a heater removed, renamed or moved to
 * another plug, not adopted nor handed over: switched off by heating_off()),
 * with those it had from reloads before, go on in @h while min_off may hold,
 * so that heating_relays_restore() holds off a heater of @h on such a plug
 * (the physical relay, whatever the heater is called). Call it after the
 * hand-over. Out of memory: logged, not kept.
 */
void heating_relays_hand_on(struct heating *h, const struct heating *old);

/*
 * A reload on the same connection: the plugs @old lets go that may still be on
 * (told ON, or last said ON) are taken by @h with their trackers, so that
 * heating_off() of @old skips them, and @h sends their OFF (at once, or once
 * the broker is back) until each plug says OFF, with an alert while one does
 * not. Those @old had from reloads before come along. To a new connection
 * (@new_connection) only those the old one cannot tell now (not connected)
 * and no heater of @h drives (that one decides for its plug). Call it after
 * heating_relays_hand_on().
 */
void heating_retired_take(struct heating *h, struct heating *old, bool new_connection);
/* Subscribes their plugs' topics (heating_start()). */
int heating_retired_subscribe(struct heating *h, struct mqtt *mqtt);
void heating_retired_unsubscribe(struct heating *h);
/* The connection came or went: OFF goes out when it is up. */
void heating_retired_connection(struct heating *h, bool connected, uint64_t now_usec);
/* Their re-sends that are due at @now_usec; the earliest due after, or UINT64_MAX. */
void heating_retired_tick(struct heating *h, uint64_t now_usec);
uint64_t heating_retired_due(const struct heating *h);
void heating_retired_free(struct heating *h);
/*
 * heating_off(): each told OFF once more, or said to be left on when the
 * broker is away. (A reload's next heating takes them before this runs.)
 */
void heating_retired_off(struct heating *h, uint64_t now_usec);

/*
 * Sends the messages of @d (@source: the heater, for the journal), at QoS 0:
 * a command is superseded, not owed.
 */
void heating_send(struct heating *h, const char *source, const struct heater_decision *d);
/*
 * Sends stage @s's messages of @d and handles its alerts (@cause: the plug's
 * message that raised them, or NULL); true when it wants a new decision.
 */
bool heating_carry_out(struct stage *s, const struct heater_decision *d,
		       const struct mqtt_message *cause);
/* Arms the wake-up for the earliest of what is due (a plug's message changed it). */
void heating_rearm(struct heating *h);

/* Drops what heating_relays_hand_on() kept (at heating_free()). */
void heating_relays_forget(struct heating *h);

/*
 * Stage @s was just told @s->on (a command sent) at wall-clock @now_rt_usec:
 * kept in the store when that differs from what the store holds, at most a few
 * times a minute a stage (each write is a synchronous commit), unless
 * @now_flush (a shutdown); a later switch is kept when its minute is over
 * (heating_relays_due()). A store that fails is logged; it is not tried again
 * until the next switch.
 */
void heating_relays_keep(struct stage *s, uint64_t now_usec, uint64_t now_rt_usec, bool now_flush);

/*
 * Keeps what @s was last told if that is not kept yet: as heating_relays_keep()
 * without a new command (a shutdown or a reload while the plug is not ours to
 * switch, or the connection is down).
 */
void heating_relays_flush(struct stage *s, uint64_t now_usec, bool now_flush);

/*
 * When a switch not kept yet is due to be kept (monotonic); UINT64_MAX: none,
 * or the connection is down (a step keeps it when it is back).
 */
uint64_t heating_relays_due(const struct heating *h);

/* "off", "heating" or "idle": what the heaters do. In heating-state.c. */
const char *heating_action(const struct heating *h);

/* Why the heaters do what heating_action() says (the state's "heating_reason"). In heating-state.c.
 */
enum thermostat_reason heating_reason(const struct heating *h);

/* Adds the time stage @s was on up to @now_usec to its hour of use. In heating-state.c. */
void heating_account(struct stage *s, uint64_t now_usec);

/*
 * The model kept in the store, into the thermostat: once, when heating has
 * both, unless it learned as much since. A model the thermostat refuses is
 * logged and dropped. In heating-model.c, as are the four below.
 */
void heating_model_restore(struct heating *h);

/* Keeps the model in the store if it changed, at most once an hour; at once for @shutdown. */
void heating_model_keep(struct heating *h, uint64_t now_usec, bool shutdown);

/*
 * After decision @d: the room changed (logged with what was learned @before,
 * the kept model dropped), and what there is to keep.
 */
void heating_model_step(struct heating *h, const struct thermostat_decision *d,
			const struct thermostat_learned *before, uint64_t now_usec);

/* A reload: what @old learned goes on in @h, whose thermostat is @old's if @thermostat_adopted. */
void heating_model_adopt(struct heating *h, struct heating *old, bool thermostat_adopted);

/* The "learned" object of the state: how sure, in use or not, the heater, the room. */
json_t *heating_model_state(const struct heating *h);

/*
 * At most @size - 1 (at least 4) bytes of @data, each unprintable one as '?',
 * "..." when cut: words from the network, fit for the journal
 * (heating-alert-log.c).
 */
void heating_payload_excerpt(const char *data, size_t len, char *buf, size_t size);

/* The local second of day to plan on, or HEATING_PATH_CLOCK_UNSET (heating-inputs.c). */
unsigned heating_local_second_of_day(struct heating *h);

/* Fills h->in with what changes while heating runs (heating-inputs.c). */
void heating_fill_inputs(struct heating *h);

/*
 * @d's word (not HEATER_WORD_NONE: a state word the plug said that is neither
 * on nor off, a device's error to a command) on @topic, said in the journal
 * (heating-plug-words.c, as is the next): at warning when it is news, naming
 * the heater, the topic, the word and what it means, in one line with the
 * heater_unconfirmed @d raised if it did; at debug when the plug says it
 * again. Returns whether the line said the alert (the caller says no other).
 */
bool heating_log_plug_word(const struct stage *s, const struct heater_decision *d,
			   const char *topic);

/*
 * heater_unconfirmed of @s in the plug's last word not taken
 * (heater_last_word()): the journal's @line and the phone's @message. False
 * (both untouched) when it said a relay state since, or none.
 */
bool heating_plug_word_alert(const struct stage *s, char *line, size_t line_size, char *message,
			     size_t message_size);

/*
 * The plug's alert @a raised, said in the journal (heating-alert-log.c), in
 * the plug's words as the tracker kept them (heater_offline_said()): the alert
 * may come from a timer, with no message in hand. @cause is not used.
 */
void heating_log_plug_alert(const struct stage *s, enum heater_alert a,
			    const struct mqtt_message *cause);

/*
 * What the plug reported that no command asked for (@d's event, not NONE),
 * said in the journal with what bedroomd does about it, through @s's limit at
 * monotonic @now_usec: a line per report, not one a second while it flaps
 * (heating-alert-log.c, as are the next two).
 */
void heating_log_plug_event(struct stage *s, const struct heater_decision *d, uint64_t now_usec);

/* The counts of reports held back in @s's windows that are over by @now_usec (UINT64_MAX: all). */
void heating_log_plug_events_held(struct stage *s, uint64_t now_usec);

/*
 * The plug of @s showed it ignores its dead-man (a zigbee2mqtt plug that
 * ignores on_time: its state read back off after ON with on_time) and gets
 * plain ON from now on, where @had_dead_man was true before its message: said
 * once, when it happens, with what it costs.
 */
void heating_say_dead_man_ignored(const struct stage *s, bool had_dead_man);

/*
 * Stage @i was just told otherwise by decision @d (NULL: the thermostat
 * refused its inputs, all off): one info line, ON or OFF and why in a few
 * words (heating-switch-log.c, as is the next).
 */
void heating_log_switch(const struct heating *h, unsigned i, const struct thermostat_decision *d);

/* Stage @s, on, told OFF by heating_off(): one info line, why (h->stop_for). */
void heating_log_switch_off_at_stop(const struct stage *s);

/*
 * Whether the plug last said the opposite of what it was told (a press of its
 * own button, a plug that ignores commands); its power, " (1500 W)" or "", in
 * @power.
 */
bool heating_plug_says_otherwise(const struct stage *s, char *power, size_t size);

/* What a cleared alert @a of stage @s (NULL: room-wide) says: what holds again. */
/* The thermostat's alerts @raised and @cleared: room-wide (@s NULL, source "heating") or stage
 * @s's. */
void heating_raise_or_clear(struct heating *h, unsigned raised, unsigned cleared,
			    const struct stage *s);

void heating_alert_cleared_message(const struct stage *s, enum thermostat_alert a, char *buf,
				   size_t size);

/*
 * The room-wide sensor_stale alert, due at h->stale_alert_due_usec (set by
 * heating_raise_or_clear()): raised at @now_usec if it is due, the thermostat
 * still has it and no room thermometer's sensor_stale is active. One dead
 * thermometer is one alert: the room's, naming it (daemon/room.c); the
 * heating's own only when none says it (no reading since the start). Its wait
 * lets the room's come first when both see the same stale edge.
 */
void heating_stale_alert_due(struct heating *h, uint64_t now_usec);

/*
 * A heater told ON that may be left on at the stop: no broker to tell it OFF,
 * or told OFF while its plug said offline. What ends it, said at the stop.
 */
void heating_say_left_on(const struct stage *s);
/*
 * Stage @s, told OFF by heating_off(), its plug silent for @waited ("3s"), or
 * (@waited NULL) until the connection was lost: a warning.
 */
void heating_say_off_unconfirmed_at_stop(const struct stage *s, const char *waited);
/* A reload to another connection: each heater on, that @h's heating_off() switches off, said. */
void heating_say_leaving_broker(const struct heating *h, const char *new_broker);

/*
 * The outdoor thermometer, in heating-outdoor.c: its silence and age timers,
 * made only with an outdoor_topic (returns 0 or a negative errno), and dropped.
 */
int heating_outdoor_init(struct heating *h);
void heating_outdoor_done(struct heating *h);

/* The connection is up (its subscriptions sent) or lost: the silence is listened for, or not. */
void heating_outdoor_connection(struct heating *h, bool connected);

/*
 * A message on the outdoor topic: a reading into the thermostat's input (the
 * first said in the journal, and the state re-published), or a refusal warned
 * about as a thermometer's is (sensors/payload-refusals.h).
 */
void heating_outdoor_receive(struct heating *h, const struct mqtt_message *msg);

/*
 * A reload: the outdoor value of @old, with its time (and its age limit, or
 * its being past it), goes on in @h while an outdoor_topic is configured
 * (none: none is used); what was said about the topic too, while it is the same.
 */
void heating_outdoor_adopt(struct heating *h, const struct heating *old);

/*
 * The state's "outdoor": {"temperature", "time"} last received (time null:
 * retained), in use or too old to be, or null.
 */
json_t *heating_outdoor_state(const struct heating *h);
