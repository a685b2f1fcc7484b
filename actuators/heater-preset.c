/* The preset object: copies of the params, topics, dispatch to the ops table. */
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actuators/heater-defaults.h"
#include "actuators/heater-preset-internal.h"
#include "util/streq.h"

#define USEC_PER_SEC 1000000ULL

void heater_params_init(struct heater_params *p, enum heater_type type)
{
	assert(p);
	*p = (struct heater_params){
		.type = type,
		.auto_off_usec = HEATER_DEFAULT_AUTO_OFF_USEC,
		.confirm_timeout_usec = HEATER_DEFAULT_CONFIRM_TIMEOUT_USEC,
		.retries = 2,
		.unconfirmed_retry_usec = 60 * USEC_PER_SEC,
		.min_power_w = HEATER_DEFAULT_MIN_POWER_W,
		.no_power_usec = HEATER_DEFAULT_NO_POWER_USEC,
	};
}

/* Every preset, by its line in HEATER_PRESETS: its name and its ops table. */
#define PRESET(id, name_) [HEATER_TYPE_##id] = { #name_, &heater_preset_##name_ },
static const struct {
	const char *name;
	const struct heater_preset_ops *ops;
} presets[_HEATER_TYPE_MAX] = { HEATER_PRESETS(PRESET) };
#undef PRESET

bool heater_params_equal(const struct heater_params *a, const struct heater_params *b)
{
	assert(a);
	assert(b);
	return a->type == b->type && streq_null(a->topic, b->topic) &&
	       streq_null(a->base_topic, b->base_topic) && a->switch_id == b->switch_id &&
	       streq_null(a->command_topic, b->command_topic) &&
	       streq_null(a->state_topic, b->state_topic) &&
	       streq_null(a->availability_topic, b->availability_topic) &&
	       streq_null(a->payload_on, b->payload_on) &&
	       streq_null(a->payload_off, b->payload_off) && streq_null(a->state_on, b->state_on) &&
	       streq_null(a->state_off, b->state_off) &&
	       streq_null(a->availability_online, b->availability_online) &&
	       streq_null(a->json_key, b->json_key) &&
	       streq_null(a->power_json_key, b->power_json_key) &&
	       streq_null(a->client_id, b->client_id) && a->auto_off_usec == b->auto_off_usec &&
	       a->confirm_timeout_usec == b->confirm_timeout_usec && a->retries == b->retries &&
	       a->unconfirmed_retry_usec == b->unconfirmed_retry_usec &&
	       a->min_power_w == b->min_power_w && a->no_power_usec == b->no_power_usec;
}

bool heater_params_same_plug(const struct heater_params *a, const struct heater_params *b)
{
	assert(a);
	assert(b);
	return a->type == b->type && streq_null(a->topic, b->topic) &&
	       streq_null(a->base_topic, b->base_topic) && a->switch_id == b->switch_id &&
	       streq_null(a->command_topic, b->command_topic);
}

char *heater_params_plug_key(const struct heater_params *p)
{
	char *s = NULL;

	assert(p);
	/* The fields heater_params_same_plug() compares; \x1f between them, \x1e for one not set.
	 */
	if (asprintf(&s, "%d\x1f%s\x1f%s\x1f%d\x1f%s", (int) p->type, p->topic ? p->topic : "\x1e",
		     p->base_topic ? p->base_topic : "\x1e", p->switch_id,
		     p->command_topic ? p->command_topic : "\x1e") < 0)
		return NULL;
	return s;
}

uint64_t heater_params_unconfirmed_after_usec(const struct heater_params *p)
{
	assert(p);
	return (p->retries + 1ULL) * p->confirm_timeout_usec;
}

const char *heater_type_to_string(enum heater_type t)
{
	if ((unsigned) t >= _HEATER_TYPE_MAX)
		return NULL;
	return presets[t].name;
}

int heater_type_from_string(const char *s, enum heater_type *ret)
{
	assert(ret);
	for (unsigned i = 0; i < _HEATER_TYPE_MAX; i++)
		if (s && strcmp(s, presets[i].name) == 0) {
			*ret = (enum heater_type) i;
			return 0;
		}
	return -EINVAL;
}

char *heater_strdupf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	return r < 0 ? NULL : s;
}

void heater_messages_clear(struct heater_messages *m)
{
	if (!m)
		return;
	for (unsigned i = 0; i < m->n; i++) {
		free(m->m[i].topic);
		free(m->m[i].payload);
	}
	*m = (struct heater_messages){ 0 };
}

int heater_messages_add(struct heater_messages *m, const char *topic, const char *payload)
{
	char *t, *p;

	assert(m);
	if (m->n >= HEATER_MESSAGES_MAX)
		return -ENOBUFS;
	t = strdup(topic);
	p = strdup(payload);
	if (!t || !p) {
		free(t);
		free(p);
		return -ENOMEM;
	}
	m->m[m->n++] = (struct heater_message){ .topic = t, .payload = p };
	return 0;
}

bool heater_topic_valid(const char *s)
{
	return s && s[0] != '\0' && !strpbrk(s, "+#");
}

int heater_subscribe(struct heater_preset *hp, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	assert(hp);
	if (hp->n_subscriptions >= HEATER_TOPICS_MAX)
		return -ENOBUFS;
	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	hp->topics[hp->n_subscriptions++] = s;
	return 0;
}

int heater_topic_index(const struct heater_preset *hp, const char *topic)
{
	assert(hp);
	for (unsigned i = 0; i < hp->n_subscriptions; i++)
		if (strcmp(hp->topics[i], topic) == 0)
			return (int) i;
	return -1;
}

/* Copies @src into *@dst (NULL stays NULL): 0 or -ENOMEM. */
static int copy(char **dst, const char *src)
{
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -ENOMEM;
}

static int copy_strings(struct heater_preset *hp, const struct heater_params *p)
{
	struct heater_strings *s = &hp->s;
	const char *on = p->payload_on ? p->payload_on : HEATER_DEFAULT_PAYLOAD_ON;
	const char *off = p->payload_off ? p->payload_off : HEATER_DEFAULT_PAYLOAD_OFF;
	const struct {
		char **dst;
		const char *src;
	} fields[] = {
		{ &s->topic, p->topic },
		{ &s->base_topic,
		  p->base_topic ? p->base_topic : HEATER_DEFAULT_ZIGBEE2MQTT_BASE_TOPIC },
		{ &s->command_topic, p->command_topic },
		{ &s->state_topic, p->state_topic },
		{ &s->availability_topic, p->availability_topic },
		{ &s->payload_on, on },
		{ &s->payload_off, off },
		{ &s->state_on, p->state_on ? p->state_on : on },
		{ &s->state_off, p->state_off ? p->state_off : off },
		{ &s->availability_online, p->availability_online
					       ? p->availability_online
					       : HEATER_DEFAULT_AVAILABILITY_ONLINE },
		{ &s->json_key, p->json_key },
		{ &s->power_json_key, p->power_json_key },
		{ &s->client_id, p->client_id ? p->client_id : "bedroomd" },
	};
	int r = 0;

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]) && r == 0; i++)
		r = copy(fields[i].dst, fields[i].src);
	if (r < 0)
		return r;
	hp->p = *p;
	hp->p.topic = s->topic;
	hp->p.base_topic = s->base_topic;
	hp->p.command_topic = s->command_topic;
	hp->p.state_topic = s->state_topic;
	hp->p.availability_topic = s->availability_topic;
	hp->p.payload_on = s->payload_on;
	hp->p.payload_off = s->payload_off;
	hp->p.state_on = s->state_on;
	hp->p.state_off = s->state_off;
	hp->p.availability_online = s->availability_online;
	hp->p.json_key = s->json_key;
	hp->p.power_json_key = s->power_json_key;
	hp->p.client_id = s->client_id;
	return 0;
}

struct heater_preset *heater_preset_free(struct heater_preset *hp)
{
	struct heater_strings *s;

	if (!hp)
		return NULL;
	s = &hp->s;
	for (unsigned i = 0; i < hp->n_subscriptions; i++)
		free(hp->topics[i]);
	free(hp->command_topic);
	free(hp->command_topic2);
	free(s->topic);
	free(s->base_topic);
	free(s->command_topic);
	free(s->state_topic);
	free(s->availability_topic);
	free(s->payload_on);
	free(s->payload_off);
	free(s->state_on);
	free(s->state_off);
	free(s->availability_online);
	free(s->json_key);
	free(s->power_json_key);
	free(s->client_id);
	free(hp);
	return NULL;
}

int heater_preset_new(const struct heater_params *p, struct heater_preset **ret)
{
	const struct heater_preset_ops *ops;
	struct heater_preset *hp;
	int r;

	assert(p);
	assert(ret);
	if ((unsigned) p->type >= _HEATER_TYPE_MAX)
		return -EINVAL;
	ops = presets[p->type].ops;
	hp = calloc(1, sizeof(*hp));
	if (!hp)
		return -ENOMEM;
	hp->ops = ops;
	hp->next_id = 1;
	r = copy_strings(hp, p);
	if (r < 0)
		goto out;
	r = ops->setup(hp);
	if (r < 0)
		goto out;
	*ret = hp;
	hp = NULL;
out:
	heater_preset_free(hp);
	return r;
}

enum heater_type heater_preset_type(const struct heater_preset *hp)
{
	assert(hp);
	return hp->p.type;
}

unsigned heater_preset_n_subscriptions(const struct heater_preset *hp)
{
	return hp ? hp->n_subscriptions : 0;
}

const char *heater_preset_subscription(const struct heater_preset *hp, unsigned i)
{
	if (!hp || i >= hp->n_subscriptions)
		return NULL;
	return hp->topics[i];
}

bool heater_preset_has_dead_man(const struct heater_preset *hp)
{
	return hp && hp->ops->dead_man && !hp->timed_on_refused;
}

int heater_preset_command(struct heater_preset *hp, bool on, uint64_t auto_off_usec,
			  struct heater_messages *ret)
{
	struct heater_messages m = { 0 };
	int r;

	assert(hp);
	assert(ret);
	r = hp->ops->command(hp, on, on && heater_preset_has_dead_man(hp) ? auto_off_usec : 0, &m);
	if (r < 0) {
		heater_messages_clear(&m);
		return r;
	}
	*ret = m;
	return 0;
}

int heater_preset_parse(struct heater_preset *hp, const char *topic, const void *data, size_t len,
			struct heater_update *ret)
{
	struct heater_update u = { 0 };
	int r;

	assert(hp);
	assert(ret);
	if (!topic || heater_topic_index(hp, topic) < 0)
		return -ENOENT;
	if (len > HEATER_PAYLOAD_MAX)
		return -EMSGSIZE;
	if (len == 0 || !data)
		return -ENODATA;
	r = hp->ops->parse(hp, topic, data, len, &u);
	if (r < 0)
		return r;
	*ret = u;
	return 0;
}
