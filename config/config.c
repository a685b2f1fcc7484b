#include "config/config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config-keys.h"
#include "config/config-read.h"
#include "config/config-value.h"

struct parser {
	const char *path;
	struct config_reader reader;
	struct config *config;
	char *error; /* the first error only: later ones are often its echoes */
	const struct section_spec *section;         /* being read; NULL before any, or unknown */
	size_t item;                                /* of a named section: its index */
	unsigned set_line[CONFIG_MAX_KEYS];         /* where each key of a plain section was set */
	unsigned (*item_set_line)[CONFIG_MAX_KEYS]; /* the same, per sensor */
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
		.type = (enum config_sensor_type) - 1, /* "not set", checked after parsing */
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
	unsigned(*lines)[CONFIG_MAX_KEYS];

	for (size_t i = 0; i < c->n_sensors; i++)
		if (strcmp(c->sensors[i].name, name) == 0) {
			parser_error(p, line, "[sensor.%s] is defined twice (first on line %u)",
				     name, c->sensors[i].line);
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
	const struct section_spec *spec = config_section_find(header, kind_len);
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

/* inih calls this for every key; returning 0 makes it report the line as an error. */
static int handle_key(void *user, const char *section, const char *name, const char *value)
{
	struct parser *p = user;
	const struct key_spec *k;
	unsigned *set_line;
	char *msg = NULL;
	size_t idx;
	int r;

	if (p->error)
		return 1;
	if (section[0] == '\0') {
		parser_error(p, p->reader.line, "'%s' is outside any [section]", name);
		return 1;
	}
	if (!p->section)
		return 1; /* reported at the section's header */
	k = config_key_find(p->section->kind, name, &idx);
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
	r = config_key_set(k, section_base(p), value, &msg);
	if (r < 0)
		parser_error(p, p->reader.line, "%s", msg ? msg : "out of memory");
	free(msg);
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

	return config_key_find(section, name, &idx) ? p->set_line[idx] : 0;
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
	for (idx = 0; idx < config_n_keys; idx++)
		if (set_line[idx] && config_keys[idx].types &&
		    !(config_keys[idx].types & (1u << s->type))) {
			parser_error(p, set_line[idx], "'%s' does not apply to a sensor of type %s",
				     config_keys[idx].name, config_sensor_type_names[s->type]);
			return;
		}
	if (s->type == CONFIG_SENSOR_TYPE_MQTT && !s->topic)
		parser_error(p, s->line, "[sensor.%s] of type mqtt needs 'topic'", s->name);
	else if ((s->type == CONFIG_SENSOR_TYPE_IIO || s->type == CONFIG_SENSOR_TYPE_HWMON) &&
		 !s->sysfs_name == !s->path)
		parser_error(p, s->line, "[sensor.%s] of type %s needs either 'name' or 'path'",
			     s->name, config_sensor_type_names[s->type]);
	else if (s->min_c >= s->max_c)
		parser_error(p,
			     set_line[config_key_find("sensor", "max", &idx) ? idx : 0] ?: s->line,
			     "[sensor.%s]: 'min' (%g) must be below 'max' (%g)", s->name, s->min_c,
			     s->max_c);
	else if (s->stale_after_usec && s->type != CONFIG_SENSOR_TYPE_MQTT &&
		 s->stale_after_usec < 2 * s->interval_usec)
		parser_error(p, set_line[config_key_find("sensor", "stale_after", &idx) ? idx : 0],
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

int config_dump(const struct config *c, FILE *f)
{
	const char *section = NULL;

	for (size_t i = 0; i < config_n_keys; i++) {
		const struct key_spec *k = &config_keys[i];

		if (strcmp(k->section, "sensor") == 0)
			continue;
		if (!section || strcmp(section, k->section) != 0) {
			fprintf(f, "%s[%s]\n", section ? "\n" : "", k->section);
			section = k->section;
		}
		config_key_dump(k, c, f);
	}
	for (size_t s = 0; s < c->n_sensors; s++) {
		const struct config_sensor *sensor = &c->sensors[s];

		fprintf(f, "\n[sensor.%s]\n", sensor->name);
		for (size_t i = 0; i < config_n_keys; i++)
			if (strcmp(config_keys[i].section, "sensor") == 0 &&
			    (!config_keys[i].types ||
			     (config_keys[i].types & (1u << sensor->type))))
				config_key_dump(&config_keys[i], sensor, f);
	}
	return ferror(f) ? -EIO : 0;
}