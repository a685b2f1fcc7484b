#pragma once

/*
 * Internal to the room: room.c (the sensors' set-up, the MQTT thermometers,
 * the combined reading and what it publishes) and room-sysfs.c (the sysfs
 * thermometers' measurement cycle). room-sysfs.c hands each reading to
 * room_accept_reading().
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "config/config.h"
#include "daemon/event-source.h"
#include "daemon/log.h"
#include "daemon/room.h"
#include "sensors/payload-refusals.h"
#include "sensors/room-publish.h"
#include "sensors/temp-payload.h"
#include "sensors/temp-retry.h"
#include "sensors/temp-source.h"
#include "sensors/topic-silence.h"

struct room_sensor {
	struct room *room;
	size_t index; /* in the room's sensors and its tracker */
	const struct config_sensor *cfg;
	char source[80];       /* "sensor.NAME", for alerts and the log */
	const char *type_name; /* sysfs types: "w1", "iio", "hwmon" */

	/* sysfs types: one measurement per interval, retried within it */
	struct temp_source *temp;
	sd_event_source *interval_timer;
	sd_event_source *retry_timer;
	sd_event_source *io;
	sd_event_source *timeout_timer;
	struct temp_retry retry;
	struct temp_retry_params retry_params;
	uint64_t conversion_usec;
	/* Its jump check rejects its readings in a persisting run; the last of them. */
	bool jump_holding;
	int32_t jump_held_mc;
	uint64_t deadline_usec; /* the next interval's start */
	bool failing;           /* the last interval ended without a value */
	unsigned sparse_run;    /* good readings in a row too far apart for the room model */
	bool sparse_said;       /* that was said */

	/* mqtt type */
	struct temp_payload_params payload;
	struct payload_refusals refusals; /* how loud the next refused payload is */
	struct mqtt_slot *slot;
	struct topic_silence silence; /* whether anything arrives on the topic */
	bool unit_asked;              /* a value in the other unit's range was said */
	bool unit_said;               /* TempUnit "C" against fahrenheit = yes was said */
	sd_event_source *silence_timer;
};

struct room {
	sd_event *event;
	const struct config *config;
	struct alerts *alerts;
	const struct room_callbacks *cb;
	void *userdata;
	void (*reading_handler)(const struct room_reading *reading, void *userdata);
	void *reading_userdata;
	struct room_sensor *sensors;
	size_t n_sensors;
	struct room_sensors *track; /* checks, health, the combined reading; NULL: no sensors */
	struct mqtt_slot *watch;    /* the connection, for the MQTT thermometers' silence */
	bool *went_stale;           /* per sensor, filled by room_sensors_tick() */
	struct room_publish published;
	uint64_t published_status; /* room_sensors_status() then */
	struct room_publish_params publish_params;
	struct event_deadline health; /* the next staleness check or publish due */
	struct room_reading reading;  /* the room temperature now */
	bool held_back;               /* a change waits for the minimum publish interval */
};

/* room.c: checks @reading of @s and, when it passes, takes it; returns whether it passed. */
bool room_accept_reading(struct room_sensor *s, const struct temp_reading *reading);

/* room-sysfs.c */
/* Finds the device; a failure is logged at @level and tried again next interval. */
int room_sysfs_open(struct room_sensor *s, enum log_level level);
/* Ends a measurement under way, if any. */
void room_sysfs_stop(struct room_sensor *s);
/* The interval's measurement, and a retry within it: the sensor is @userdata. */
int room_on_interval_timer(sd_event_source *es, uint64_t usec, void *userdata);
int room_on_retry_timer(sd_event_source *es, uint64_t usec, void *userdata);
