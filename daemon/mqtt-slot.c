/*
 * Subscriptions and watches: who gets which message. Each part of the daemon
 * holds its own slots; a message goes to every subscription whose filter
 * matches its topic (libmosquitto's matcher, wildcards included), in the order
 * the slots were added. A slot freed from inside a handler is only marked dead
 * there, and unlinked once the dispatch is over, so the walk stays valid.
 */
#include <assert.h>
#include <errno.h>
#include <mosquitto.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/log.h"
#include "daemon/mosquitto-errno.h"
#include "daemon/mqtt-internal.h"

enum mqtt_slot_kind {
	MQTT_SLOT_KIND_SUBSCRIPTION,
	MQTT_SLOT_KIND_WATCH,
};

struct mqtt_slot {
	struct mqtt *mqtt; /* NULL once detached */
	struct mqtt_slot *prev, *next;
	enum mqtt_slot_kind kind;
	char *filter;
	/* What every topic it matches starts with; all of it when it has no wildcard. */
	size_t literal_len;
	uint32_t literal_hash; /* topic_hash() of the filter, when it has no wildcard */
	int qos;
	mqtt_message_handler_t handler;
	const struct mqtt_watch_callbacks *watch;
	void *userdata;
	bool dead; /* freed by its owner during a dispatch */
};

/*
 * How much of @filter a matching topic starts with: up to the first wildcard,
 * less the '/' before a final '#' ("a/b/#" matches "a/b" too).
 */
static size_t literal_prefix_len(const char *filter)
{
	size_t n = strcspn(filter, "+#");

	if (filter[n] == '#' && n > 0 && filter[n - 1] == '/')
		n--;
	return n;
}

/*
 * FNV-1a: a message is compared with every subscription, most of them exact
 * topics; comparing hashes first spares a strcmp() per slot per message.
 */
static uint32_t topic_hash(const char *topic, size_t len)
{
	uint32_t h = 2166136261U;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t) topic[i]) * 16777619U;
	return h;
}

static bool slot_live(const struct mqtt_slot *s, enum mqtt_slot_kind kind)
{
	return !s->dead && s->kind == kind;
}

/* The highest QoS any live slot asks for @filter, or -1 when none holds it. */
static int filter_qos(const struct mqtt *m, const char *filter, const struct mqtt_slot *except)
{
	int qos = -1;

	for (const struct mqtt_slot *s = m->slots; s; s = s->next)
		if (s != except && slot_live(s, MQTT_SLOT_KIND_SUBSCRIPTION) &&
		    strcmp(s->filter, filter) == 0 && s->qos > qos)
			qos = s->qos;
	return qos;
}

static struct mqtt_suback *find_suback(struct mqtt *m, const char *filter)
{
	for (size_t i = 0; i < m->n_subacks; i++)
		if (strcmp(m->subacks[i].filter, filter) == 0)
			return &m->subacks[i];
	return NULL;
}

/*
 * Awaits the SUBACK of @mid for @filter. One entry per filter, so the list
 * holds no more than the filters subscribed; without memory the refusal just
 * goes unsaid.
 */
static void await_suback(struct mqtt *m, const char *filter, int mid)
{
	struct mqtt_suback *a = find_suback(m, filter), *grown;
	char *copy;

	if (a) {
		a->mid = mid;
		return;
	}
	copy = strdup(filter);
	grown = copy ? realloc(m->subacks, (m->n_subacks + 1) * sizeof(*grown)) : NULL;
	if (!grown) {
		free(copy);
		log_debug("cannot await the SUBACK for '%s': out of memory", filter);
		return;
	}
	m->subacks = grown;
	m->subacks[m->n_subacks++] = (struct mqtt_suback){ .filter = copy, .mid = mid };
}

static void forget_suback(struct mqtt *m, struct mqtt_suback *a)
{
	free(a->filter);
	*a = m->subacks[--m->n_subacks];
	if (m->n_subacks == 0)
		m->subacks = (free(m->subacks), NULL);
}

void mqtt_subacks_reset(struct mqtt *m)
{
	while (m->n_subacks > 0)
		forget_suback(m, &m->subacks[m->n_subacks - 1]);
}

/*
 * An ACL that does not let us read @filter: the broker answers 0x80 (MQTT
 * 3.1.1; a reason code from 0x80 up in MQTT 5) and sends nothing on it, which
 * otherwise shows only later, as a silent thermometer or cramps never logged.
 * (mosquitto's acl_file does not refuse: it grants and drops every message.)
 */
static void say_refused(const struct mqtt *m, const char *filter, int code)
{
	char user[160];

	if (m->username)
		snprintf(user, sizeof(user), "user '%s'", m->username);
	else
		snprintf(user, sizeof(user), "a client without username");
	log_error("the MQTT broker %s:%d refused the subscription to '%s' for %s (SUBACK 0x%02x): "
		  "check that its ACL (acl_file, dynamic security roles, the Home Assistant "
		  "Mosquitto add-on's ACL) lets that client read it; until then bedroomd hears "
		  "nothing published there (a device on it looks silent, a command sent to it is "
		  "lost)",
		  m->host, m->port, filter, user, (unsigned) code);
}

void mqtt_on_subscribe(struct mosquitto *mosq, void *userdata, int mid, int qos_count,
		       const int *granted_qos)
{
	struct mqtt *m = userdata;
	struct mqtt_suback *a = NULL;

	for (size_t i = 0; i < m->n_subacks && !a; i++)
		if (m->subacks[i].mid == mid && mid != 0)
			a = &m->subacks[i];
	if (!a)
		return;
	a->mid = 0;
	/* One filter a SUBSCRIBE: one code. A QoS lower than asked is the broker's right. */
	if (qos_count < 1 || !granted_qos || granted_qos[0] < 0x80) {
		/* Its ACL changed while we were connected (dynamic security can). */
		if (a->refused)
			log_info("the MQTT broker %s:%d now grants the subscription to '%s'",
				 m->host, m->port, a->filter);
		forget_suback(m, a);
		return;
	}
	if (!a->refused)
		say_refused(m, a->filter, granted_qos[0]);
	else
		log_debug("the MQTT broker refused the subscription to '%s' again", a->filter);
	a->refused = true;
}

static void send_subscribe(struct mqtt *m, const char *filter, int qos)
{
	int mid = 0;
	int rc = mosquitto_subscribe(m->mosq, &mid, filter, qos);

	if (rc != MOSQ_ERR_SUCCESS)
		log_warning("cannot subscribe to '%s': %s; trying again on reconnect", filter,
			    mosquitto_strerror(rc));
	else
		await_suback(m, filter, mid);
	mqtt_sent(m, rc == MOSQ_ERR_SUCCESS);
}

static void link_slot(struct mqtt *m, struct mqtt_slot *s)
{
	s->mqtt = m;
	s->prev = m->slots_tail;
	if (m->slots_tail)
		m->slots_tail->next = s;
	else
		m->slots = s;
	m->slots_tail = s;
}

static void unlink_slot(struct mqtt *m, struct mqtt_slot *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		m->slots = s->next;
	if (s->next)
		s->next->prev = s->prev;
	else
		m->slots_tail = s->prev;
	s->prev = s->next = NULL;
}

static void slot_destroy(struct mqtt_slot *s)
{
	free(s->filter);
	free(s);
}

/* Forgets @filter from the filters dropped while away: it is wanted again. */
static void undrop(struct mqtt *m, const char *filter)
{
	for (size_t i = 0; i < m->n_dropped; i++)
		if (strcmp(m->dropped[i], filter) == 0) {
			free(m->dropped[i]);
			m->dropped[i] = m->dropped[--m->n_dropped];
			return;
		}
}

/*
 * A filter's last slot went while we were away: the broker's persistent
 * session still holds it (and queues its messages for us) until we say so.
 */
static void drop_later(struct mqtt *m, const char *filter)
{
	char **grown, *copy;

	undrop(m, filter);
	copy = strdup(filter);
	grown = copy ? realloc(m->dropped, (m->n_dropped + 1) * sizeof(*grown)) : NULL;
	if (!grown) {
		free(copy);
		log_warning("cannot remember to unsubscribe from '%s': out of memory", filter);
		return;
	}
	m->dropped = grown;
	m->dropped[m->n_dropped++] = copy;
}

int mqtt_subscribe(struct mqtt *m, const char *filter, int qos, mqtt_message_handler_t handler,
		   void *userdata, struct mqtt_slot **ret_slot)
{
	struct mqtt_slot *s;

	assert(m);
	assert(filter);
	assert(handler);
	assert(ret_slot);
	if (qos < 0 || qos > 2 || mosquitto_sub_topic_check(filter) != MOSQ_ERR_SUCCESS)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->filter = strdup(filter);
	if (!s->filter) {
		free(s);
		return -ENOMEM;
	}
	s->literal_len = literal_prefix_len(filter);
	s->literal_hash = topic_hash(filter, s->literal_len);
	s->kind = MQTT_SLOT_KIND_SUBSCRIPTION;
	s->qos = qos;
	s->handler = handler;
	s->userdata = userdata;
	link_slot(m, s);
	undrop(m, filter);
	/*
	 * SUBSCRIBE even when another slot holds the filter: the broker then sends
	 * its retained message again, which the new slot has not seen.
	 */
	if (m->state == MQTT_STATE_CONNECTED)
		send_subscribe(m, filter, filter_qos(m, filter, NULL));
	*ret_slot = s;
	return 0;
}

int mqtt_subscribe_below(struct mqtt *m, const char *suffix, int qos,
			 mqtt_message_handler_t handler, void *userdata,
			 struct mqtt_slot **ret_slot)
{
	char *filter;
	int r;

	assert(m);
	assert(suffix);
	if (asprintf(&filter, "%s/%s", m->base_topic, suffix) < 0)
		return -ENOMEM;
	r = mqtt_subscribe(m, filter, qos, handler, userdata, ret_slot);
	free(filter);
	return r;
}

int mqtt_watch(struct mqtt *m, const struct mqtt_watch_callbacks *cb, void *userdata,
	       struct mqtt_slot **ret_slot)
{
	struct mqtt_slot *s;

	assert(m);
	assert(cb);
	assert(ret_slot);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->kind = MQTT_SLOT_KIND_WATCH;
	s->watch = cb;
	s->userdata = userdata;
	link_slot(m, s);
	*ret_slot = s;
	return 0;
}

struct mqtt_slot *mqtt_slot_free(struct mqtt_slot *s)
{
	struct mqtt *m;

	if (!s)
		return NULL;
	m = s->mqtt;
	if (!m) {
		slot_destroy(s);
		return NULL;
	}
	if (s->kind == MQTT_SLOT_KIND_SUBSCRIPTION && m->state != MQTT_STATE_CONNECTED &&
	    filter_qos(m, s->filter, s) < 0)
		drop_later(m, s->filter);
	if (s->kind == MQTT_SLOT_KIND_SUBSCRIPTION && m->state == MQTT_STATE_CONNECTED &&
	    filter_qos(m, s->filter, s) < 0) {
		int rc = mosquitto_unsubscribe(m->mosq, NULL, s->filter);

		if (rc != MOSQ_ERR_SUCCESS)
			log_debug("cannot unsubscribe from '%s': %s", s->filter,
				  mosquitto_strerror(rc));
		mqtt_sent(m, rc == MOSQ_ERR_SUCCESS);
	}
	if (m->dispatching > 0) {
		s->dead = true;
		m->slots_dead = true;
		return NULL;
	}
	unlink_slot(m, s);
	slot_destroy(s);
	return NULL;
}

const char *mqtt_slot_filter(const struct mqtt_slot *s)
{
	assert(s);
	return s->kind == MQTT_SLOT_KIND_SUBSCRIPTION ? s->filter : NULL;
}

void mqtt_slots_restore(struct mqtt *m)
{
	for (size_t i = 0; i < m->n_dropped; i++) {
		int rc = mosquitto_unsubscribe(m->mosq, NULL, m->dropped[i]);

		if (rc != MOSQ_ERR_SUCCESS)
			log_debug("cannot unsubscribe from '%s': %s", m->dropped[i],
				  mosquitto_strerror(rc));
		free(m->dropped[i]);
	}
	m->n_dropped = 0;
	for (struct mqtt_slot *s = m->slots; s; s = s->next) {
		bool first = true;

		if (!slot_live(s, MQTT_SLOT_KIND_SUBSCRIPTION))
			continue;
		for (const struct mqtt_slot *t = m->slots; t != s && first; t = t->next)
			first = !slot_live(t, MQTT_SLOT_KIND_SUBSCRIPTION) ||
				strcmp(t->filter, s->filter) != 0;
		if (first)
			send_subscribe(m, s->filter, filter_qos(m, s->filter, NULL));
	}
}

static void sweep_dead(struct mqtt *m)
{
	struct mqtt_slot *s, *next;

	if (m->dispatching > 0 || !m->slots_dead)
		return;
	m->slots_dead = false;
	for (s = m->slots; s; s = next) {
		next = s->next;
		if (s->dead) {
			unlink_slot(m, s);
			slot_destroy(s);
		}
	}
}

/*
 * Most filters name one topic: a comparison, where libmosquitto's matcher
 * (which checks the topic's UTF-8 for every filter) cost more than the rest
 * of a message's dispatch. A wildcard filter's literal start rules most
 * topics out before the matcher is asked.
 */
/* @len and @hash: of @topic, topic_hash(). */
static bool slot_matches(const struct mqtt_slot *s, const char *topic, size_t len, uint32_t hash)
{
	bool match = false;

	if (s->filter[s->literal_len] == '\0') /* no wildcard */
		return s->literal_len == len && s->literal_hash == hash &&
		       memcmp(s->filter, topic, len) == 0;
	if (len < s->literal_len || strncmp(s->filter, topic, s->literal_len) != 0)
		return false;
	return mosquitto_topic_matches_sub(s->filter, topic, &match) == MOSQ_ERR_SUCCESS && match;
}

/* Slots added by a handler during the walk wait for the next message: stop at the old tail. */
/* NOLINTBEGIN(bugprone-macro-parentheses): s and last are the names it declares. */
#define FOR_EACH_SLOT_UNTIL_TAIL(s, m, last)                                                       \
	for (struct mqtt_slot *s = (m)->slots, *last = (m)->slots_tail; s;                         \
	     s = (s == last ? NULL : s->next))
/* NOLINTEND(bugprone-macro-parentheses) */

void mqtt_slots_dispatch(struct mqtt *m, const struct mqtt_message *msg)
{
	size_t len = strlen(msg->topic);
	uint32_t hash = topic_hash(msg->topic, len);
	bool handled = false;

	m->dispatching++;
	FOR_EACH_SLOT_UNTIL_TAIL(s, m, last)
	{
		if (!slot_live(s, MQTT_SLOT_KIND_SUBSCRIPTION) ||
		    !slot_matches(s, msg->topic, len, hash))
			continue;
		handled = true;
		s->handler(msg, s->userdata);
	}
	m->dispatching--;
	if (!handled)
		log_debug("ignoring a message on '%s' (%zu bytes): no part subscribes to it",
			  msg->topic, msg->len);
	sweep_dead(m);
}

enum watch_event {
	WATCH_EVENT_CONNECTED,
	WATCH_EVENT_DISCONNECTED,
	WATCH_EVENT_PUBLISHED,
};

static void notify_watches(struct mqtt *m, enum watch_event event, int mid)
{
	m->dispatching++;
	FOR_EACH_SLOT_UNTIL_TAIL(s, m, last)
	{
		if (!slot_live(s, MQTT_SLOT_KIND_WATCH))
			continue;
		switch (event) {
		case WATCH_EVENT_CONNECTED:
			if (s->watch->connected)
				s->watch->connected(m, s->userdata);
			break;
		case WATCH_EVENT_DISCONNECTED:
			if (s->watch->disconnected)
				s->watch->disconnected(m, s->userdata);
			break;
		case WATCH_EVENT_PUBLISHED:
			if (s->watch->published)
				s->watch->published(m, mid, s->userdata);
			break;
		}
	}
	m->dispatching--;
	sweep_dead(m);
}

void mqtt_slots_connected(struct mqtt *m)
{
	notify_watches(m, WATCH_EVENT_CONNECTED, 0);
}

void mqtt_slots_disconnected(struct mqtt *m)
{
	notify_watches(m, WATCH_EVENT_DISCONNECTED, 0);
}

void mqtt_slots_published(struct mqtt *m, int mid)
{
	notify_watches(m, WATCH_EVENT_PUBLISHED, mid);
}

void mqtt_slots_detach(struct mqtt *m)
{
	struct mqtt_slot *s, *next;

	for (s = m->slots; s; s = next) {
		next = s->next;
		s->prev = s->next = NULL;
		s->mqtt = NULL;
		if (s->dead)
			slot_destroy(s);
	}
	m->slots = m->slots_tail = NULL;
	for (size_t i = 0; i < m->n_dropped; i++)
		free(m->dropped[i]);
	m->dropped = (free(m->dropped), NULL);
	m->n_dropped = 0;
	mqtt_subacks_reset(m);
}
