#include "config/config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config-read.h"
#include "config/config-value.h"

enum key_type {
	KEY_STRING,
	KEY_NAME,
	KEY_TOPIC,
	KEY_PATH, /* absolute path */
	KEY_FILE, /* absolute path of a file that must be readable */
	KEY_INT,
	KEY_BOOL,
	KEY_DOUBLE,
	KEY_DURATION, /* unsigned long long microseconds */
	KEY_ENUM,     /* an int-sized enum, from the names in `choices` */
};

struct key_spec {
	const char *section; /* the section's kind: "mqtt", or "sensor" for [sensor.NAME] */
	const char *name;
	enum key_type type;
	size_t offset; /* into struct config, or into the item of a named section */
	double min, max;
	const char *const *choices; /* KEY_ENUM: names, by value, NULL-terminated */
	unsigned types;		    /* sensor keys: the types they apply to (bits); 0: all */
};

static const char *const log_level_names[] = {
	[CONFIG_LOG_LEVEL_ERROR] = "error",
	[CONFIG_LOG_LEVEL_WARNING] = "warning",
	[CONFIG_LOG_LEVEL_INFO] = "info",
	[CONFIG_LOG_LEVEL_DEBUG] = "debug",
	NULL,
};

static const char *const sensor_type_names[] = {
	[CONFIG_SENSOR_TYPE_W1] = "w1",
	[CONFIG_SENSOR_TYPE_IIO] = "iio",
	[CONFIG_SENSOR_TYPE_HWMON] = "hwmon",
	[CONFIG_SENSOR_TYPE_MQTT] = "mqtt",
	NULL,
};

static const char *const aggregate_names[] = {
	[CONFIG_ROOM_AGGREGATE_MIN] = "min",
	[CONFIG_ROOM_AGGREGATE_MEAN] = "mean",
	[CONFIG_ROOM_AGGREGATE_FIRST] = "first",
	NULL,
};

#define SEC 1000000.0
#define KEY(sec, key, type, field, min, max) \
	{ sec, key, type, offsetof(struct config, field), min, max, NULL, 0 }
#define KEY_CHOICE(sec, key, field, names) \
	{ sec, key, KEY_ENUM, offsetof(struct config, field), 0, 0, names, 0 }
#define SENSOR_KEY(key, type, field, min, max, types) \
	{ "sensor", key, type, offsetof(struct config_sensor, field), min, max, NULL, types }
#define W1    (1u << CONFIG_SENSOR_TYPE_W1)
#define IIO   (1u << CONFIG_SENSOR_TYPE_IIO)
#define HWMON (1u << CONFIG_SENSOR_TYPE_HWMON)
#define MQTT  (1u << CONFIG_SENSOR_TYPE_MQTT)

static const struct key_spec keys[] = {
	KEY("daemon", "node_id", KEY_NAME, daemon.node_id, 0, 0),
	KEY("daemon", "state_dir", KEY_PATH, daemon.state_dir, 0, 0),
	KEY_CHOICE("daemon", "log_level", daemon.log_level, log_level_names),
	KEY("mqtt", "host", KEY_STRING, mqtt.host, 0, 0),
	KEY("mqtt", "port", KEY_INT, mqtt.port, 1, 65535),
	KEY("mqtt", "client_id", KEY_NAME, mqtt.client_id, 0, 0),
	KEY("mqtt", "base_topic", KEY_TOPIC, mqtt.base_topic, 0, 0),
	KEY("mqtt", "keepalive", KEY_INT, mqtt.keepalive_s, 5, 3600),
	KEY("mqtt", "username", KEY_STRING, mqtt.username, 0, 0),
	KEY("mqtt", "password_file", KEY_FILE, mqtt.password_file, 0, 0),
	KEY("mqtt", "ca_file", KEY_FILE, mqtt.ca_file, 0, 0),
	KEY("mqtt", "cert_file", KEY_FILE, mqtt.cert_file, 0, 0),
	KEY("mqtt", "key_file", KEY_FILE, mqtt.key_file, 0, 0),
	KEY("room", "sysfs_root", KEY_PATH, room.sysfs_root, 0, 0),
	KEY_CHOICE("room", "aggregate", room.aggregate, aggregate_names),
	KEY("room", "publish_step", KEY_DOUBLE, room.publish_step_c, 0.01, 5),
	KEY("room", "publish_interval", KEY_DURATION, room.publish_max_usec, 10 * SEC, 3600 * SEC),
	{ "sensor", "type", KEY_ENUM, offsetof(struct config_sensor, type), 0, 0,
	  sensor_type_names, 0 },
	SENSOR_KEY("device", KEY_STRING, device, 0, 0, W1),
	SENSOR_KEY("name", KEY_STRING, sysfs_name, 0, 0, IIO | HWMON),
	SENSOR_KEY("path", KEY_PATH, path, 0, 0, IIO | HWMON),
	SENSOR_KEY("label", KEY_STRING, label, 0, 0, HWMON),
	SENSOR_KEY("index", KEY_INT, index, 1, 99, HWMON),
	SENSOR_KEY("topic", KEY_TOPIC, topic, 0, 0, MQTT),
	SENSOR_KEY("json_key", KEY_STRING, json_key, 0, 0, MQTT),
	SENSOR_KEY("fahrenheit", KEY_BOOL, fahrenheit, 0, 0, MQTT),
	SENSOR_KEY("max_age", KEY_DURATION, max_age_usec, 10 * SEC, 86400 * SEC, MQTT),
	SENSOR_KEY("interval", KEY_DURATION, interval_usec, 2 * SEC, 3600 * SEC, W1 | IIO | HWMON),
	SENSOR_KEY("stale_after", KEY_DURATION, stale_after_usec, 10 * SEC, 86400 * SEC, 0),
	SENSOR_KEY("offset", KEY_DOUBLE, offset_c, -10, 10, 0),
	SENSOR_KEY("min", KEY_DOUBLE, min_c, -55, 125, 0),
	SENSOR_KEY("max", KEY_DOUBLE, max_c, -55, 125, 0),
	SENSOR_KEY("max_rate", KEY_DOUBLE, max_rate_c_per_min, 0, 100, 0),
	SENSOR_KEY("stuck_after", KEY_DURATION, stuck_after_usec, 0, 30 * 86400 * SEC, 0),
};

#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

/* Sections: plain ones ([mqtt]) and named ones ([sensor.NAME]), which may repeat. */
struct section_spec {
	const char *kind;
	bool named;
};

static const struct section_spec sections[] = {
	{ "daemon", false },
	{ "mqtt", false },
	{ "room", false },
	{ "sensor", true },
};

#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

struct parser {
	const char *path;
	struct config_reader reader;
	struct config *config;
	char *error; /* the first error only: later ones are often its echoes */
	const struct section_spec *section; /* being read; NULL before any, or unknown */
	size_t item;			    /* of a named section: its index */
	unsigned set_line[N_KEYS];	    /* where each key of a plain section was set */
	unsigned (*item_set_line)[N_KEYS];  /* the same, per sensor */
};

static void parser_error(struct parser *p, unsigned line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (p->error)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg || asprintf(&p->error, "%s:%u: %s", p->path, line, msg) < 0)
		p->error = NULL;
	free(msg);
	if (!p->error)
		p->error = strdup("out of memory");
}

static const struct key_spec *key_find(const char *section, const char *name, size_t *ret_index)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].name, name) == 0) {
			*ret_index = i;
			return &keys[i];
		}
	return NULL;
}

static const struct section_spec *section_find(const char *kind, size_t len)
{
	for (size_t i = 0; i < N_SECTIONS; i++)
		if (strlen(sections[i].kind) == len && strncmp(sections[i].kind, kind, len) == 0)
			return &sections[i];
	return NULL;
}

static void *section_base(struct parser *p)
{
	return p->section->named ? (void *) &p->config->sensors[p->item] : (void *) p->config;
}

static unsigned *section_set_lines(struct parser *p)
{
	return p->section->named ? p->item_set_line[p->item] : p->set_line;
}

static void sensor_init(struct config_sensor *s)
{
	*s = (struct config_sensor){
		.type = (enum config_sensor_type) -1, /* "not set", checked after parsing */
		.interval_usec = 60 * 1000000ULL,
		.min_c = -20,
		.max_c = 60,
		.max_rate_c_per_min = 2,
		.stuck_after_usec = 6 * 3600 * 1000000ULL,
	};
}

static int sensor_add(struct parser *p, const char *name, unsigned line)
{
	struct config *c = p->config;
	struct config_sensor *sensors;
	unsigned (*lines)[N_KEYS];

	for (size_t i = 0; i < c->n_sensors; i++)
		if (strcmp(c->sensors[i].name, name) == 0) {
			parser_error(p, line, "[sensor.%s] is defined twice (first on line %u)", name,
				     c->sensors[i].line);
			return -EEXIST;
		}
	sensors = realloc(c->sensors, (c->n_sensors + 1) * sizeof(*sensors));
	if (!sensors)
		return -ENOMEM;
	c->sensors = sensors;
	lines = realloc(p->item_set_line, (c->n_sensors + 1) * sizeof(*lines));
	if (!lines)
		return -ENOMEM;
	p->item_set_line = lines;
	memset(lines[c->n_sensors], 0, sizeof(lines[c->n_sensors]));
	sensor_init(&sensors[c->n_sensors]);
	sensors[c->n_sensors].line = line;
	sensors[c->n_sensors].name = strdup(name);
	if (!sensors[c->n_sensors].name)
		return -ENOMEM;
	p->item = c->n_sensors++;
	return 0;
}

/* A "[kind]" or "[kind.NAME]" line: makes it the current section. */
static void open_section(struct parser *p, const char *header, size_t len)
{
	const char *dot = memchr(header, '.', len);
	size_t kind_len = dot ? (size_t) (dot - header) : len;
	const struct section_spec *spec = section_find(header, kind_len);
	unsigned line = p->reader.line;
	char name[80];

	p->section = NULL;
	if (!spec) {
		parser_error(p, line,
			     "unknown section [%.*s] (known: [daemon], [mqtt], [room], "
			     "[sensor.NAME])",
			     (int) len, header);
		return;
	}
	if (spec->named != (dot != NULL)) {
		if (spec->named)
			parser_error(p, line, "[%s] needs a name: [%s.NAME]", spec->kind,
				     spec->kind);
		else
			parser_error(p, line, "[%s] takes no name: '[%.*s]'", spec->kind, (int) len,
				     header);
		return;
	}
	p->section = spec;
	if (!spec->named)
		return;
	snprintf(name, sizeof(name), "%.*s", (int) (len - kind_len - 1), dot + 1);
	if (len - kind_len - 1 >= sizeof(name) || !config_name_is_valid(name)) {
		parser_error(p, line,
			     "section name '%.*s' must be 1 to 64 letters, digits, '_' or '-'",
			     (int) (len - kind_len - 1), dot + 1);
		p->section = NULL;
		return;
	}
	if (sensor_add(p, name, line) < 0) {
		if (!p->error)
			parser_error(p, line, "out of memory");
		p->section = NULL;
	}
}

static int set_string(char **field, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return -ENOMEM;
	free(*field);
	*field = copy;
	return 0;
}

static void parser_error_choices(struct parser *p, unsigned line, const struct key_spec *k,
				 const char *value)
{
	char list[200] = "";
	size_t n = 0;

	for (int i = 0; k->choices[i] && n < sizeof(list); i++)
		n += (size_t) snprintf(list + n, sizeof(list) - n, "%s%s",
				       i == 0	       ? ""
				       : k->choices[i + 1] ? ", "
							  : " or ",
				       k->choices[i]);
	parser_error(p, line, "'%s' must be %s, not '%s'", k->name, list, value);
}

static int parse_value(struct parser *p, const struct key_spec *k, const char *value)
{
	void *field = (char *) section_base(p) + k->offset;
	unsigned line = p->reader.line;
	unsigned long long usec;
	double d;
	bool b;
	long l;
	int r;

	switch (k->type) {
	case KEY_STRING:
		if (*value == '\0') {
			parser_error(p, line, "'%s' must not be empty", k->name);
			return -EINVAL;
		}
		return set_string(field, value);
	case KEY_NAME:
		if (!config_name_is_valid(value)) {
			parser_error(p, line,
				     "'%s' must be 1 to 64 letters, digits, '_' or '-', not '%s'",
				     k->name, value);
			return -EINVAL;
		}
		return set_string(field, value);
	case KEY_TOPIC:
		if (!config_topic_is_valid(value)) {
			parser_error(p, line,
				     "'%s' is not a usable MQTT topic: '%s' (no '+' or '#', no "
				     "'/' at either end, at most 200 characters)",
				     k->name, value);
			return -EINVAL;
		}
		return set_string(field, value);
	case KEY_PATH:
		if (value[0] != '/') {
			parser_error(p, line, "'%s' must be an absolute path, not '%s'", k->name,
				     value);
			return -EINVAL;
		}
		return set_string(field, value);
	case KEY_FILE:
		if (value[0] != '/') {
			parser_error(p, line, "'%s' must be an absolute path, not '%s'", k->name,
				     value);
			return -EINVAL;
		}
		if (access(value, R_OK) < 0) {
			parser_error(p, line, "'%s': cannot read '%s': %s", k->name, value,
				     strerror(errno));
			return -EINVAL;
		}
		return set_string(field, value);
	case KEY_INT:
		r = config_parse_int(value, (long) k->min, (long) k->max, &l);
		if (r < 0) {
			parser_error(p, line, "'%s' must be a whole number from %ld to %ld, not '%s'",
				     k->name, (long) k->min, (long) k->max, value);
			return r;
		}
		*(int *) field = (int) l;
		return 0;
	case KEY_BOOL:
		if (config_parse_bool(value, &b) < 0) {
			parser_error(p, line, "'%s' must be yes or no, not '%s'", k->name, value);
			return -EINVAL;
		}
		*(bool *) field = b;
		return 0;
	case KEY_DOUBLE:
		r = config_parse_double(value, k->min, k->max, &d);
		if (r < 0) {
			parser_error(p, line, "'%s' must be a number from %g to %g, not '%s'", k->name,
				     k->min, k->max, value);
			return r;
		}
		*(double *) field = d;
		return 0;
	case KEY_DURATION:
		r = config_parse_duration_usec(value, (unsigned long long) k->min,
					       (unsigned long long) k->max, &usec);
		if (r < 0) {
			parser_error(p, line,
				     "'%s' must be a duration from %gs to %gs (e.g. 90s, 5min, 2h), "
				     "not '%s'",
				     k->name, k->min / SEC, k->max / SEC, value);
			return r;
		}
		*(unsigned long long *) field = usec;
		return 0;
	case KEY_ENUM:
		for (int i = 0; k->choices[i]; i++)
			if (strcmp(value, k->choices[i]) == 0) {
				*(int *) field = i;
				return 0;
			}
		parser_error_choices(p, line, k, value);
		return -EINVAL;
	}
	return -EINVAL;
}

/* inih calls this for every key; returning 0 makes it report the line as an error. */
static int handle_key(void *user, const char *section, const char *name, const char *value)
{
	struct parser *p = user;
	const struct key_spec *k;
	unsigned *set_line;
	size_t idx;

	if (p->error)
		return 1;
	if (section[0] == '\0') {
		parser_error(p, p->reader.line, "'%s' is outside any [section]", name);
		return 1;
	}
	if (!p->section)
		return 1; /* reported at the section's header */
	k = key_find(p->section->kind, name, &idx);
	if (!k) {
		parser_error(p, p->reader.line, "unknown key '%s' in [%s]", name, section);
		return 1;
	}
	set_line = section_set_lines(p);
	if (set_line[idx]) {
		parser_error(p, p->reader.line, "'%s' is set twice in [%s] (first on line %u)",
			     name, section, set_line[idx]);
		return 1;
	}
	set_line[idx] = p->reader.line;
	if (parse_value(p, k, value) == -ENOMEM)
		parser_error(p, p->reader.line, "out of memory");
	return 1;
}

static void check_section_header(struct parser *p, const char *line)
{
	const char *start = line + strspn(line, " \t");
	const char *end;

	if (*start != '[')
		return;
	start++;
	end = strchr(start, ']');
	if (!end)
		return; /* inih reports the syntax error */
	open_section(p, start, (size_t) (end - start));
}

static char *read_line(char *buf, int size, void *stream)
{
	struct parser *p = stream;
	char *line = config_reader_next(&p->reader, buf, (size_t) size);

	if (!line)
		return NULL;
	if (p->reader.too_long)
		parser_error(p, p->reader.line, "line is longer than %d characters", size - 2);
	check_section_header(p, line);
	return line;
}

static int default_node_id(char **ret)
{
	char host[256] = "";
	size_t n = 0;

	if (gethostname(host, sizeof(host) - 1) < 0 || host[0] == '\0')
		strcpy(host, "bedroom");
	host[strcspn(host, ".")] = '\0';
	for (char *c = host; *c && n < 64; c++, n++)
		if (!isalnum((unsigned char) *c) && *c != '-')
			*c = '_';
		else
			*c = (char) tolower((unsigned char) *c);
	host[n] = '\0';
	*ret = strdup(host);
	return *ret ? 0 : -ENOMEM;
}

static int apply_defaults(struct config *c)
{
	struct config_mqtt *m = &c->mqtt;

	if (!c->daemon.node_id && default_node_id(&c->daemon.node_id) < 0)
		return -ENOMEM;
	if (!c->daemon.state_dir && !(c->daemon.state_dir = strdup("/var/lib/bedroomd")))
		return -ENOMEM;
	if (!m->host && !(m->host = strdup("localhost")))
		return -ENOMEM;
	if (m->port == 0)
		m->port = m->ca_file ? 8883 : 1883;
	if (!m->client_id && asprintf(&m->client_id, "bedroomd-%s", c->daemon.node_id) < 0) {
		m->client_id = NULL;
		return -ENOMEM;
	}
	if (!m->base_topic && asprintf(&m->base_topic, "bedroomd/%s", c->daemon.node_id) < 0) {
		m->base_topic = NULL;
		return -ENOMEM;
	}
	if (!c->room.sysfs_root && !(c->room.sysfs_root = strdup("/sys")))
		return -ENOMEM;
	for (size_t i = 0; i < c->n_sensors; i++) {
		struct config_sensor *s = &c->sensors[i];

		/* Zigbee and Wi-Fi thermometers report on change: allow a quiet hour. */
		if (s->type == CONFIG_SENSOR_TYPE_MQTT && s->max_age_usec == 0)
			s->max_age_usec = 3600 * 1000000ULL;
		if (s->stale_after_usec == 0)
			s->stale_after_usec = s->type == CONFIG_SENSOR_TYPE_MQTT
						      ? s->max_age_usec
						      : 3 * s->interval_usec;
	}
	return 0;
}

static unsigned key_line(const struct parser *p, const char *section, const char *name)
{
	size_t idx;

	return key_find(section, name, &idx) ? p->set_line[idx] : 0;
}

static void check_sensor(struct parser *p, size_t item)
{
	const struct config_sensor *s = &p->config->sensors[item];
	const unsigned *set_line = p->item_set_line[item];
	size_t idx;

	if ((unsigned) s->type > CONFIG_SENSOR_TYPE_MQTT) {
		parser_error(p, s->line, "[sensor.%s] needs 'type': w1, iio, hwmon or mqtt",
			     s->name);
		return;
	}
	for (idx = 0; idx < N_KEYS; idx++)
		if (set_line[idx] && keys[idx].types && !(keys[idx].types & (1u << s->type))) {
			parser_error(p, set_line[idx], "'%s' does not apply to a sensor of type %s",
				     keys[idx].name, sensor_type_names[s->type]);
			return;
		}
	if (s->type == CONFIG_SENSOR_TYPE_MQTT && !s->topic)
		parser_error(p, s->line, "[sensor.%s] of type mqtt needs 'topic'", s->name);
	else if ((s->type == CONFIG_SENSOR_TYPE_IIO || s->type == CONFIG_SENSOR_TYPE_HWMON) &&
		 !s->sysfs_name == !s->path)
		parser_error(p, s->line, "[sensor.%s] of type %s needs either 'name' or 'path'",
			     s->name, sensor_type_names[s->type]);
	else if (s->min_c >= s->max_c)
		parser_error(p, set_line[key_find("sensor", "max", &idx) ? idx : 0] ?: s->line,
			     "[sensor.%s]: 'min' (%g) must be below 'max' (%g)", s->name, s->min_c,
			     s->max_c);
	else if (s->stale_after_usec && s->type != CONFIG_SENSOR_TYPE_MQTT &&
		 s->stale_after_usec < 2 * s->interval_usec)
		parser_error(p, set_line[key_find("sensor", "stale_after", &idx) ? idx : 0],
			     "[sensor.%s]: 'stale_after' must be at least twice 'interval'",
			     s->name);
}

static void check_consistency(struct parser *p)
{
	struct config_mqtt *m = &p->config->mqtt;
	int r;

	if (!!m->cert_file != !!m->key_file) {
		const char *set = m->cert_file ? "cert_file" : "key_file";

		parser_error(p, key_line(p, "mqtt", set),
			     "'cert_file' and 'key_file' go together: '%s' is set alone", set);
		return;
	}
	if (m->cert_file && !m->ca_file)
		parser_error(p, key_line(p, "mqtt", "cert_file"),
			     "a client certificate needs TLS: set 'ca_file' too");
	if (m->password_file && !m->username)
		parser_error(p, key_line(p, "mqtt", "password_file"),
			     "'password_file' is set but 'username' is not");
	for (size_t i = 0; i < p->config->n_sensors && !p->error; i++)
		check_sensor(p, i);
	if (m->password_file && !p->error) {
		r = config_read_secret(m->password_file, &m->password);
		if (r < 0)
			parser_error(p, key_line(p, "mqtt", "password_file"),
				     "cannot read password from '%s': %s", m->password_file,
				     strerror(-r));
	}
}

int config_load(const char *path, struct config **ret, char **ret_error)
{
	struct parser p = { .path = path };
	int r, line;

	p.config = calloc(1, sizeof(*p.config));
	if (!p.config || !(p.config->path = strdup(path))) {
		r = -ENOMEM;
		goto out;
	}
	p.config->daemon.log_level = CONFIG_LOG_LEVEL_INFO;
	p.config->mqtt.keepalive_s = 60;
	p.config->room.publish_step_c = 0.1;
	p.config->room.publish_max_usec = 5 * 60 * 1000000ULL;

	r = config_reader_open(&p.reader, path);
	if (r < 0) {
		if (asprintf(&p.error, "%s: cannot read configuration: %s", path, strerror(-r)) < 0)
			p.error = NULL;
		goto out;
	}
	line = ini_parse_stream(read_line, &p, handle_key, &p);
	config_reader_close(&p.reader);
	if (line < 0) {
		r = -ENOMEM;
		goto out;
	}
	if (line > 0)
		parser_error(&p, (unsigned) line,
			     "cannot parse: expected '[section]', 'key = value' or a comment");
	if (!p.error)
		check_consistency(&p);
	if (p.error) {
		r = -EINVAL;
		goto out;
	}
	r = apply_defaults(p.config);
	if (r < 0)
		goto out;

	free(p.item_set_line);
	*ret = p.config;
	return 0;
out:
	free(p.item_set_line);
	config_free(p.config);
	if (!p.error)
		p.error = strdup(r == -ENOMEM ? "out of memory" : "cannot load configuration");
	*ret_error = p.error;
	return r;
}

struct config *config_free(struct config *c)
{
	if (!c)
		return NULL;
	free(c->path);
	free(c->daemon.node_id);
	free(c->daemon.state_dir);
	free(c->mqtt.host);
	free(c->mqtt.client_id);
	free(c->mqtt.base_topic);
	free(c->mqtt.username);
	free(c->mqtt.password_file);
	if (c->mqtt.password)
		explicit_bzero(c->mqtt.password, strlen(c->mqtt.password));
	free(c->mqtt.password);
	free(c->mqtt.ca_file);
	free(c->mqtt.cert_file);
	free(c->mqtt.key_file);
	free(c->room.sysfs_root);
	for (size_t i = 0; i < c->n_sensors; i++) {
		struct config_sensor *s = &c->sensors[i];

		free(s->name);
		free(s->device);
		free(s->sysfs_name);
		free(s->path);
		free(s->label);
		free(s->topic);
		free(s->json_key);
	}
	free(c->sensors);
	free(c);
	return NULL;
}

static void dump_key(const struct key_spec *k, const void *base, FILE *f)
{
	const void *field = (const char *) base + k->offset;

	switch (k->type) {
	case KEY_STRING:
	case KEY_NAME:
	case KEY_TOPIC:
	case KEY_PATH:
	case KEY_FILE:
		if (*(char *const *) field)
			fprintf(f, "%s = %s\n", k->name, *(char *const *) field);
		else
			fprintf(f, "# %s is not set\n", k->name);
		break;
	case KEY_INT:
		fprintf(f, "%s = %d\n", k->name, *(const int *) field);
		break;
	case KEY_BOOL:
		fprintf(f, "%s = %s\n", k->name, *(const bool *) field ? "yes" : "no");
		break;
	case KEY_DOUBLE:
		fprintf(f, "%s = %g\n", k->name, *(const double *) field);
		break;
	case KEY_DURATION:
		fprintf(f, "%s = %gs\n", k->name, (double) *(const unsigned long long *) field / SEC);
		break;
	case KEY_ENUM:
		fprintf(f, "%s = %s\n", k->name, k->choices[*(const int *) field]);
		break;
	}
}

int config_dump(const struct config *c, FILE *f)
{
	const char *section = NULL;

	for (size_t i = 0; i < N_KEYS; i++) {
		const struct key_spec *k = &keys[i];

		if (strcmp(k->section, "sensor") == 0)
			continue;
		if (!section || strcmp(section, k->section) != 0) {
			fprintf(f, "%s[%s]\n", section ? "\n" : "", k->section);
			section = k->section;
		}
		dump_key(k, c, f);
	}
	for (size_t s = 0; s < c->n_sensors; s++) {
		const struct config_sensor *sensor = &c->sensors[s];

		fprintf(f, "\n[sensor.%s]\n", sensor->name);
		for (size_t i = 0; i < N_KEYS; i++)
			if (strcmp(keys[i].section, "sensor") == 0 &&
			    (!keys[i].types || (keys[i].types & (1u << sensor->type))))
				dump_key(&keys[i], sensor, f);
	}
	return ferror(f) ? -EIO : 0;
}
