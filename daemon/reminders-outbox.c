/* The reminders' commits and their delivery: see reminders-outbox.h. */
#include "daemon/reminders-outbox.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/log.h"

#define WINDOW     4   /* events handed to libmosquitto and not yet acknowledged, at most */
#define MEMORY_MAX 256 /* records and events kept while the store cannot take them, each */

enum flight_kind {
	FLIGHT_KIND_STORE,  /* a row of the store's outbox: seq */
	FLIGHT_KIND_MEMORY, /* the first of memory[] not yet delivered */
	FLIGHT_KIND_COPY,   /* one of memory[] written to the store since: its ack takes nothing */
};

struct in_flight {
	int mid;
	int64_t seq; /* FLIGHT_KIND_STORE's */
	enum flight_kind kind;
};

struct reminders_outbox {
	struct store *store;
	struct mqtt *mqtt;
	struct mqtt_slot *watch;
	struct in_flight flight[WINDOW];
	unsigned n_flight;
	/*
	 * What the store could not take: events to send and store (oldest first),
	 * records. With a store, the events here are newer than every row of its
	 * outbox: they go out after those, and are written behind them.
	 */
	struct store_reminder_event *events;
	bool *sent; /* events[i] handed to the broker */
	size_t n_events;
	struct store_reminder_record *records;
	size_t n_records;
	size_t n_dropped; /* events and records dropped for MEMORY_MAX, in all */
	/* Events the broker has that the store could not take out (a failing card). */
	int64_t *acked;
	size_t n_acked;
};

int reminders_outbox_new(struct reminders_outbox **ret)
{
	struct reminders_outbox *o = calloc(1, sizeof(*o));

	if (!o)
		return -ENOMEM;
	*ret = o;
	return 0;
}

static void flush_memory(struct reminders_outbox *o);

static void record_clear(struct store_reminder_record *r)
{
	free(r->run_id);
	free(r->reminder);
	free(r->record);
}

static void event_clear(struct store_reminder_event *e)
{
	free(e->run_id);
	free(e->payload);
}

struct reminders_outbox *reminders_outbox_free(struct reminders_outbox *o)
{
	if (!o)
		return NULL;
	reminders_outbox_detach(o);
	flush_memory(o); /* a last try */
	if (o->n_events || o->n_records)
		log_error("reminders: %zu events and %zu records could not be stored or sent and "
			  "are lost",
			  o->n_events, o->n_records);
	for (size_t i = 0; i < o->n_events; i++)
		event_clear(&o->events[i]);
	for (size_t i = 0; i < o->n_records; i++)
		record_clear(&o->records[i]);
	if (o->n_acked > 0)
		log_warning("reminders: %zu events the broker has could not be taken out of the "
			    "outbox: sent again at the next start",
			    o->n_acked);
	free(o->acked);
	free(o->events);
	free(o->sent);
	free(o->records);
	free(o);
	return NULL;
}

size_t reminders_outbox_in_memory(const struct reminders_outbox *o)
{
	return o->n_events;
}

bool reminders_outbox_waiting(const struct reminders_outbox *o)
{
	return o->n_records > 0 || o->n_events > 0;
}

static bool seq_in_flight(const struct reminders_outbox *o, int64_t seq)
{
	for (unsigned i = 0; i < o->n_flight; i++)
		if (o->flight[i].kind == FLIGHT_KIND_STORE && o->flight[i].seq == seq)
			return true;
	return false;
}

static bool seq_acked(const struct reminders_outbox *o, int64_t seq)
{
	for (size_t i = 0; i < o->n_acked; i++)
		if (o->acked[i] == seq)
			return true;
	return false;
}

/*
 * The broker has event @seq and the store could not take it out: kept here,
 * so that it is not sent again and again (a review: the cramp log, in the same
 * case, sent one event 20 000 times in 3 s). Beyond MEMORY_MAX the oldest
 * goes: it may be sent once more, which its id lets a consumer drop.
 */
static void acked_add(struct reminders_outbox *o, int64_t seq, int error)
{
	int64_t *grown;

	if (o->n_acked == MEMORY_MAX)
		memmove(&o->acked[0], &o->acked[1], --o->n_acked * sizeof(*o->acked));
	grown = realloc(o->acked, (o->n_acked + 1) * sizeof(*o->acked));
	if (!grown)
		return;
	o->acked = grown;
	if (o->n_acked == 0)
		log_warning_errno(error,
				  "reminders: cannot take an event the broker has out of the "
				  "outbox; it is not sent again, and taken out once the store "
				  "can");
	o->acked[o->n_acked++] = seq;
}

/* Takes out what the broker acknowledged while the store could not; quiet while it still cannot. */
static void flush_acked(struct reminders_outbox *o)
{
	size_t before = o->n_acked, done = 0;

	while (o->store && done < o->n_acked) {
		int r = store_reminder_outbox_remove(o->store, o->acked[done]);

		if (r < 0 && r != -ENOENT)
			break;
		done++;
	}
	if (done == 0)
		return;
	memmove(&o->acked[0], &o->acked[done], (o->n_acked - done) * sizeof(*o->acked));
	o->n_acked -= done;
	if (o->n_acked == 0)
		log_info("reminders: %zu events the broker had are out of the outbox now", before);
}

/* Hands one payload to the broker; false when it cannot take more now. */
static bool send_one(struct reminders_outbox *o, const char *payload, int64_t seq,
		     enum flight_kind kind)
{
	int mid = 0, r;

	r = mqtt_publish_below(o->mqtt, "event/reminder", payload, strlen(payload), 1, false, &mid);
	if (r < 0) {
		if (r != -ENOTCONN)
			log_warning_errno(r, "cannot send a reminder event, will retry");
		return false;
	}
	o->flight[o->n_flight++] = (struct in_flight){ .mid = mid, .seq = seq, .kind = kind };
	return true;
}

/* Hands the events of memory[] not handed yet to the broker, oldest first, while the window has
 * room. */
static void pump_memory(struct reminders_outbox *o)
{
	for (size_t i = 0; i < o->n_events && o->n_flight < WINDOW; i++) {
		if (o->sent[i])
			continue;
		if (!send_one(o, o->events[i].payload, 0, FLIGHT_KIND_MEMORY))
			return;
		o->sent[i] = true;
	}
}

/*
 * Hands the rows of the store's outbox to the broker, oldest first, while the
 * window has room. Returns 1 when every row it holds is handed out (or the
 * broker has it), 0 when some still wait, or -errno when it cannot be read.
 */
static int pump_store(struct reminders_outbox *o)
{
	struct store_reminder_event *list = NULL;
	/* Past those the broker has though the store could not take them out. */
	size_t max = (size_t) WINDOW * 2 + o->n_acked;
	bool all = true;
	int n;

	flush_acked(o);
	if (o->n_flight >= WINDOW)
		return 0;
	n = store_reminder_outbox_read(o->store, max, &list);
	if (n < 0) {
		log_warning_errno(n, "cannot read the reminders' outbox");
		return n;
	}
	for (int i = 0; i < n && all; i++)
		if (!seq_in_flight(o, list[i].seq) && !seq_acked(o, list[i].seq))
			all = o->n_flight < WINDOW &&
			      send_one(o, list[i].payload, list[i].seq, FLIGHT_KIND_STORE);
	store_reminder_events_free(list, (size_t) n);
	return all && (size_t) n < max;
}

/*
 * Sends what waits, oldest first, while the window has room: the store's
 * outbox, then memory (what the store could not take, newer). Memory goes
 * first only without a store at all, or when the store cannot be read: its
 * rows cannot go out then anyway, and a reminder that never reaches the phone
 * is worse than one out of order.
 */
static void pump(struct reminders_outbox *o)
{
	if (!o->mqtt || !mqtt_is_connected(o->mqtt))
		return;
	if (o->store && pump_store(o) == 0)
		return;
	pump_memory(o);
}

static void on_connected(struct mqtt *mqtt, void *userdata)
{
	(void) mqtt;
	pump(userdata);
}

/* The first event of memory[] handed out is the oldest in flight: it is the one acknowledged. */
static void drop_first_sent(struct reminders_outbox *o)
{
	for (size_t i = 0; i < o->n_events; i++) {
		if (!o->sent[i])
			continue;
		event_clear(&o->events[i]);
		memmove(&o->events[i], &o->events[i + 1],
			(o->n_events - i - 1) * sizeof(*o->events));
		memmove(&o->sent[i], &o->sent[i + 1], (o->n_events - i - 1) * sizeof(*o->sent));
		o->n_events--;
		return;
	}
}

static void on_published(struct mqtt *mqtt, int mid, void *userdata)
{
	struct reminders_outbox *o = userdata;

	(void) mqtt;
	for (unsigned i = 0; i < o->n_flight; i++) {
		struct in_flight f = o->flight[i];
		int r = 0;

		if (f.mid != mid)
			continue;
		memmove(&o->flight[i], &o->flight[i + 1], (o->n_flight - i - 1) * sizeof(f));
		o->n_flight--;
		switch (f.kind) {
		case FLIGHT_KIND_STORE:
			if (o->store)
				r = store_reminder_outbox_remove(o->store, f.seq);
			break;
		case FLIGHT_KIND_MEMORY:
			drop_first_sent(o);
			break;
		case FLIGHT_KIND_COPY:
			break; /* its copy in the store goes out again */
		}
		if (r < 0 && r != -ENOENT)
			acked_add(o, f.seq, r);
		pump(o);
		return;
	}
}

static const struct mqtt_watch_callbacks watch_callbacks = {
	.connected = on_connected,
	.published = on_published,
};

void reminders_outbox_detach(struct reminders_outbox *o)
{
	o->n_flight = 0;
	for (size_t i = 0; i < o->n_events; i++)
		o->sent[i] = false;
	o->watch = mqtt_slot_free(o->watch);
	o->mqtt = NULL;
}

int reminders_outbox_attach(struct reminders_outbox *o, struct mqtt *mqtt)
{
	int r;

	assert(mqtt);
	if (o->mqtt == mqtt)
		return 0;
	reminders_outbox_detach(o);
	r = mqtt_watch(mqtt, &watch_callbacks, o, &o->watch);
	if (r < 0)
		return r;
	o->mqtt = mqtt;
	pump(o);
	return 0;
}

static int copy_record(struct store_reminder_record *dst, const struct store_reminder_record *src)
{
	*dst = *src;
	dst->run_id = strdup(src->run_id);
	dst->reminder = strdup(src->reminder);
	dst->record = strdup(src->record);
	if (!dst->run_id || !dst->reminder || !dst->record) {
		record_clear(dst);
		return -ENOMEM;
	}
	return 0;
}

/*
 * Bounds what waits in memory: beyond MEMORY_MAX each, the oldest records and
 * the oldest events not handed to the broker go, with a log line saying how many.
 */
static void drop_oldest(struct reminders_outbox *o)
{
	size_t records = 0, events = 0;

	while (o->n_records > MEMORY_MAX) {
		record_clear(&o->records[0]);
		memmove(&o->records[0], &o->records[1], --o->n_records * sizeof(*o->records));
		records++;
	}
	for (size_t i = 0; o->n_events > MEMORY_MAX && i < o->n_events;) {
		if (o->sent[i]) {
			i++; /* in flight: its acknowledgement takes it */
			continue;
		}
		event_clear(&o->events[i]);
		memmove(&o->events[i], &o->events[i + 1],
			(o->n_events - i - 1) * sizeof(*o->events));
		memmove(&o->sent[i], &o->sent[i + 1], (o->n_events - i - 1) * sizeof(*o->sent));
		o->n_events--;
		events++;
	}
	if (records + events == 0)
		return;
	o->n_dropped += records + events;
	log_error("reminders: more than %d wait for the store; the oldest %zu events and %zu "
		  "records are dropped (%zu in all)",
		  MEMORY_MAX, events, records, o->n_dropped);
}

/* Keeps what the store could not take; the oldest go when too much waits. */
static int keep(struct reminders_outbox *o, const struct store_reminder_record *records,
		size_t n_records, const struct store_reminder_event *events, size_t n_events)
{
	struct store_reminder_record *rs;
	struct store_reminder_event *es;
	bool *sent;

	rs = realloc(o->records, (o->n_records + n_records) * sizeof(*rs) + 1);
	if (!rs)
		return -ENOMEM;
	o->records = rs;
	for (size_t i = 0; i < n_records; i++)
		if (copy_record(&o->records[o->n_records], &records[i]) == 0)
			o->n_records++;
	es = realloc(o->events, (o->n_events + n_events) * sizeof(*es) + 1);
	if (!es)
		return -ENOMEM;
	o->events = es;
	sent = realloc(o->sent, (o->n_events + n_events) * sizeof(*sent) + 1);
	if (!sent)
		return -ENOMEM;
	o->sent = sent;
	for (size_t i = 0; i < n_events; i++) {
		struct store_reminder_event *e = &o->events[o->n_events];

		e->seq = 0;
		e->run_id = strdup(events[i].run_id);
		e->payload = strdup(events[i].payload);
		if (!e->run_id || !e->payload) {
			event_clear(e);
			return -ENOMEM;
		}
		o->sent[o->n_events++] = false;
	}
	drop_oldest(o);
	return 0;
}

/* Writes the records that waited; they go once written. */
static void flush_records(struct reminders_outbox *o)
{
	size_t done = 0;

	while (done < o->n_records &&
	       store_reminder_commit(o->store, NULL, &o->records[done], 1, NULL, 0) >= 0)
		done++;
	if (done == 0)
		return;
	for (size_t i = 0; i < done; i++)
		record_clear(&o->records[i]);
	memmove(&o->records[0], &o->records[done], (o->n_records - done) * sizeof(*o->records));
	o->n_records -= done;
	log_info("reminders: %zu records that waited for the store are written", done);
}

/*
 * Writes the events that wait in memory to the store's outbox, behind what it
 * holds (they are newer), those handed to the broker too: memory is then
 * empty, so nothing written to the store later can go out before one of them,
 * and they survive a restart. One handed out and not yet acknowledged goes
 * out once more from the store (at least once, and still in order); its
 * acknowledgement takes nothing out.
 */
static void flush_events(struct reminders_outbox *o)
{
	size_t n = o->n_events;
	int r;

	if (n == 0)
		return;
	r = store_reminder_commit(o->store, NULL, NULL, 0, o->events, n);
	if (r < 0) {
		log_warning_errno(r, "reminders: cannot write the events that wait in memory; "
				     "trying again later");
		return;
	}
	for (unsigned i = 0; i < o->n_flight; i++)
		if (o->flight[i].kind == FLIGHT_KIND_MEMORY)
			o->flight[i].kind = FLIGHT_KIND_COPY;
	for (size_t i = 0; i < n; i++)
		event_clear(&o->events[i]);
	o->n_events = 0;
	log_info("reminders: %zu events that waited for the store are written", n);
}

static void flush_memory(struct reminders_outbox *o)
{
	if (!o->store)
		return;
	flush_records(o);
	flush_events(o);
}

void reminders_outbox_set_store(struct reminders_outbox *o, struct store *store)
{
	if (store != o->store) {
		/* The seqs in flight are the old file's: a PUBACK must not take a new row away. */
		unsigned kept = 0;

		for (unsigned i = 0; i < o->n_flight; i++)
			if (o->flight[i].kind != FLIGHT_KIND_STORE)
				o->flight[kept++] = o->flight[i];
		o->n_flight = kept;
		o->n_acked = 0; /* the same for the seqs the broker has */
	}
	o->store = store;
	flush_acked(o);
	flush_memory(o);
	pump(o);
}

int reminders_outbox_commit(struct reminders_outbox *o, const struct store_reminder_state *state,
			    const struct store_reminder_record *records, size_t n_records,
			    const struct store_reminder_event *events, size_t n_events)
{
	/*
	 * Events waiting in memory go first: new ones queue behind them there
	 * (also behind one handed out, which a new broker connection sends again).
	 */
	bool behind = o->n_events > 0;
	int r = -ENODEV;

	if (o->store) {
		r = store_reminder_commit(o->store, state, records, n_records,
					  behind ? NULL : events, behind ? 0 : n_events);
		if (r < 0)
			log_error_errno(r, "reminders: cannot write the store; keeping what "
					   "happened in memory");
	}
	if (r >= 0 && behind)
		r = keep(o, NULL, 0, events, n_events);
	else if (r < 0)
		r = keep(o, records, n_records, events, n_events) < 0 ? -ENOMEM : 1;
	if (r < 0)
		return log_error_errno(r, "reminders: cannot keep what happened");
	pump(o);
	return r;
}
