#pragma once

#include <stdbool.h>
#include <stdio.h>

/*
 * The daemon's configuration: an INI file read through inih. Plain data, owned
 * by whoever called config_load(); every string is owned by the config.
 */

#define CONFIG_DEFAULT_PATH "/etc/bedroomd/bedroomd.conf"

/* Exit status for a configuration error (EX_CONFIG of sysexits.h). */
#define CONFIG_EXIT_STATUS 78

enum config_log_level {
	CONFIG_LOG_LEVEL_ERROR,
	CONFIG_LOG_LEVEL_WARNING,
	CONFIG_LOG_LEVEL_INFO,
	CONFIG_LOG_LEVEL_DEBUG,
};

struct config_daemon {
	char *node_id;   /* keeps rooms apart on the broker and in Home Assistant */
	char *state_dir; /* where the SQLite store lives */
	enum config_log_level log_level;
};

struct config_mqtt {
	char *host;
	int port;
	char *client_id;
	char *base_topic;
	int keepalive_s;
	char *username;
	char *password_file;
	char *password; /* read from password_file at load time, never from the INI itself */
	char *ca_file;  /* TLS is on when set */
	char *cert_file;
	char *key_file;
};

enum config_sensor_type {
	CONFIG_SENSOR_TYPE_W1,    /* DS18B20 on 1-Wire, kernel w1_therm */
	CONFIG_SENSOR_TYPE_IIO,   /* DHT22, BME280, ... through IIO */
	CONFIG_SENSOR_TYPE_HWMON, /* temp*_input under /sys/class/hwmon */
	CONFIG_SENSOR_TYPE_MQTT,  /* a thermometer already on the broker */
};

/* One [sensor.NAME] section: a room thermometer. */
struct config_sensor {
	char *name;    /* NAME of the section */
	unsigned line; /* of the section's header, for messages */
	enum config_sensor_type type;
	char *device;     /* w1: "28-..." id; unset: the only one there is */
	char *sysfs_name; /* iio, hwmon: the device's `name` attribute (key "name") */
	char *path;       /* iio, hwmon: the device's directory instead */
	char *label;      /* hwmon: tempN_label to use */
	int index;        /* hwmon: N of tempN_input; 0: the lowest */
	char *topic;      /* mqtt */
	char *json_key;   /* mqtt: dot path into a JSON payload; unset: plain number */
	bool fahrenheit;  /* mqtt: the device sends °F */
	unsigned long long max_age_usec; /* mqtt: older readings count as missing */
	unsigned long long interval_usec;
	unsigned long long stale_after_usec; /* default 3 x interval */
	double offset_c;                     /* calibration, added to every reading */
	double min_c, max_c;                 /* plausible range */
	double max_rate_c_per_min;           /* faster changes are rejected; 0: no check */
	unsigned long long stuck_after_usec; /* unchanged longer is rejected; 0: no check */
};

enum config_room_aggregate {
	CONFIG_ROOM_AGGREGATE_MIN, /* the coldest healthy sensor */
	CONFIG_ROOM_AGGREGATE_MEAN,
	CONFIG_ROOM_AGGREGATE_FIRST, /* the first healthy one, in file order */
};

struct config_room {
	char *sysfs_root;
	enum config_room_aggregate aggregate;
	double publish_step_c;               /* re-publish on a change this large */
	unsigned long long publish_max_usec; /* and at least this often */
};

struct config {
	char *path;
	struct config_daemon daemon;
	struct config_mqtt mqtt;
	struct config_room room;
	struct config_sensor *sensors; /* in file order */
	size_t n_sensors;
};

/*
 * Reads and checks the file at @path. On success returns 0 and a new config in
 * *ret (free it with config_free()). On failure returns a negative errno
 * (-ENOENT, -EACCES, ... for an unreadable file, -EINVAL for bad contents) and
 * puts a newly allocated message "FILE:LINE: what is wrong" in *ret_error,
 * which the caller frees. Nothing else is touched on failure.
 */
int config_load(const char *path, struct config **ret, char **ret_error);

/* Frees @c and everything it owns; accepts NULL; returns NULL. */
struct config *config_free(struct config *c);

/*
 * Writes every effective setting as INI to @f, secrets masked. The output
 * parses back to an equal config. Returns 0 or a negative errno.
 */
int config_dump(const struct config *c, FILE *f);
