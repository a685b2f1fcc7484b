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
	KEY_LOG_LEVEL,
};

struct key_spec {
	const char *section;
	const char *name;
	enum key_type type;
	size_t offset; /* into struct config */
	long min, max;
};

#define KEY(sec, key, type, field, min, max) \
	{ sec, key, type, offsetof(struct config, field), min, max }

static const struct key_spec keys[] = {
	KEY("daemon", "node_id", KEY_NAME, daemon.node_id, 0, 0),
	KEY("daemon", "state_dir", KEY_PATH, daemon.state_dir, 0, 0),
	KEY("daemon", "log_level", KEY_LOG_LEVEL, daemon.log_level, 0, 0),
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
};

#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

static const char *const log_level_names[] = {
	[CONFIG_LOG_LEVEL_ERROR] = "error",
	[CONFIG_LOG_LEVEL_WARNING] = "warning",
	[CONFIG_LOG_LEVEL_INFO] = "info",
	[CONFIG_LOG_LEVEL_DEBUG] = "debug",
};

struct parser {
	const char *path;
	struct config_reader reader;
	struct config *config;
	char *error; /* the first error only: later ones are often its echoes */
	unsigned set_line[N_KEYS];
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

static bool section_is_known(const char *section)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (strcmp(keys[i].section, section) == 0)
			return true;
	return false;
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

static int set_string(char **field, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return -ENOMEM;
	free(*field);
	*field = copy;
	return 0;
}

static int parse_value(struct parser *p, const struct key_spec *k, const char *value)
{
	void *field = (char *) p->config + k->offset;
	unsigned line = p->reader.line;
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
		r = config_parse_int(value, k->min, k->max, &l);
		if (r < 0) {
			parser_error(p, line, "'%s' must be a whole number from %ld to %ld, not '%s'",
				     k->name, k->min, k->max, value);
			return r;
		}
		*(int *) field = (int) l;
		return 0;
	case KEY_LOG_LEVEL:
		for (size_t i = 0; i < sizeof(log_level_names) / sizeof(log_level_names[0]); i++)
			if (strcmp(value, log_level_names[i]) == 0) {
				*(enum config_log_level *) field = (enum config_log_level) i;
				return 0;
			}
		parser_error(p, line, "'%s' must be error, warning, info or debug, not '%s'",
			     k->name, value);
		return -EINVAL;
	}
	return -EINVAL;
}

/* inih calls this for every key; returning 0 makes it report the line as an error. */
static int handle_key(void *user, const char *section, const char *name, const char *value)
{
	struct parser *p = user;
	const struct key_spec *k;
	size_t idx;

	if (p->error)
		return 1;
	if (section[0] == '\0') {
		parser_error(p, p->reader.line, "'%s' is outside any [section]", name);
		return 1;
	}
	if (!section_is_known(section))
		return 1; /* the reader reported it at the section's header */
	k = key_find(section, name, &idx);
	if (!k) {
		parser_error(p, p->reader.line, "unknown key '%s' in [%s]", name, section);
		return 1;
	}
	if (p->set_line[idx]) {
		parser_error(p, p->reader.line, "'%s' is set twice in [%s] (first on line %u)",
			     name, section, p->set_line[idx]);
		return 1;
	}
	p->set_line[idx] = p->reader.line;
	if (parse_value(p, k, value) == -ENOMEM)
		parser_error(p, p->reader.line, "out of memory");
	return 1;
}

static void check_section_header(struct parser *p, const char *line)
{
	const char *start = line + strspn(line, " \t");
	const char *end;
	char name[80];
	size_t len;

	if (*start != '[')
		return;
	start++;
	end = strchr(start, ']');
	if (!end)
		return; /* inih reports the syntax error */
	len = (size_t) (end - start);
	if (len >= sizeof(name)) {
		parser_error(p, p->reader.line, "unknown section [%.*s]", (int) len, start);
		return;
	}
	memcpy(name, start, len);
	name[len] = '\0';
	if (!section_is_known(name))
		parser_error(p, p->reader.line, "unknown section [%s] (known: [daemon], [mqtt])",
			     name);
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
	return 0;
}

static unsigned key_line(const struct parser *p, const char *section, const char *name)
{
	size_t idx;

	return key_find(section, name, &idx) ? p->set_line[idx] : 0;
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

	*ret = p.config;
	return 0;
out:
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
	free(c);
	return NULL;
}

int config_dump(const struct config *c, FILE *f)
{
	const char *section = NULL;

	for (size_t i = 0; i < N_KEYS; i++) {
		const struct key_spec *k = &keys[i];
		const void *field = (const char *) c + k->offset;

		if (!section || strcmp(section, k->section) != 0) {
			fprintf(f, "%s[%s]\n", section ? "\n" : "", k->section);
			section = k->section;
		}
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
		case KEY_LOG_LEVEL:
			fprintf(f, "%s = %s\n", k->name,
				log_level_names[*(const enum config_log_level *) field]);
			break;
		}
	}
	return ferror(f) ? -EIO : 0;
}
