/*
 * The MQTT connection's socket on the loop: reading what libmosquitto holds
 * (in batches in a flood), writing what it queued, acknowledging at once, and
 * telling a failed connect or a hang-up from the socket's own error.
 */
#include <errno.h>
#include <mosquitto.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "daemon/clock.h"
#include "daemon/event-source.h"
#include "daemon/log.h"
#include "daemon/mosquitto-errno.h"
#include "daemon/mqtt-internal.h"

/*
 * Acknowledges what was read at once. mosquitto (by default: no
 * set_tcp_nodelay) holds a small packet back while the one before it is not
 * acknowledged, and Linux delays an ACK by 40 ms or more while we have
 * nothing to send: the next reading would wait behind the PUBACK of our last
 * state publish. The kernel goes back to delayed ACKs by itself, so this is
 * said after every read, but not in a flood (see MQTT_FLOOD_PER_S).
 */
static void ack_now(int fd)
{
	int one = 1;

	(void) setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
}

/*
 * Counts the messages just read. In a flood (more than MQTT_FLOOD_PER_S a
 * second) the ACKs go back to the kernel's delayed ones: the broker then
 * gathers what it sends into fewer, larger writes and we wake once for several
 * messages, not once for each. Answers then wait up to the delayed ACK (40 ms)
 * more; nothing in a bedroom needs them sooner, and CPU time on a Pi that a
 * misbehaving device floods is what matters then.
 */
static void note_inflow(struct mqtt *m)
{
	bool flooded = rate_meter_add(&m->inflow, m->last_in_usec, m->n_read);

	if (flooded != m->flooded)
		log_debug("%s than %u MQTT messages a second: %s", flooded ? "more" : "no more",
			  (unsigned) MQTT_FLOOD_PER_S,
			  flooded ? "acknowledging them in batches" : "acknowledging each at once");
	m->flooded = flooded;
	m->n_read = 0;
}

/* What went wrong on @fd, as a negative errno; 0 when nothing is pending. */
static int socket_error(int fd)
{
	int error = 0;
	socklen_t len = sizeof(error);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0)
		return -errno;
	return -error;
}

/*
 * A TCP connect that failed (ECONNREFUSED): SO_ERROR says why, libmosquitto
 * would not. Its TLS handshake may have taken the error already (a read that
 * failed): the connection then was never accepted. Returns whether the
 * attempt is over.
 */
static bool connect_failed(struct mqtt *m, int fd)
{
	int error = socket_error(fd);

	if (error == 0 && !m->tcp_established && !m->attempt_error[0])
		snprintf(m->attempt_error, sizeof(m->attempt_error),
			 "no TCP connection (is the broker running, on this host and port?)");
	else if (error == 0)
		return false;
	mqtt_lost(m, error);
	return true;
}

/*
 * In a flood, reads the packets the socket holds, up to MQTT_READ_BATCH:
 * libmosquitto reads one a call, and each one left would cost a trip round the
 * event loop (an epoll_wait() and sd-event's bookkeeping) where one read()
 * that finds nothing ends the batch. Out of a flood a wake-up mostly brings
 * one packet, and that read() would be one system call more for each.
 */
static int read_packets(struct mqtt *m)
{
	unsigned batch = m->flooded ? MQTT_READ_BATCH : 1;
	int rc = MOSQ_ERR_SUCCESS;

	for (unsigned i = 0; i < batch && rc == MOSQ_ERR_SUCCESS && m->io; i++) {
		/* Its reads say EAGAIN through errno only: the socket is empty. */
		errno = 0;
		rc = mosquitto_loop_read(m->mosq, 1);
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			break;
	}
	return rc;
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct mqtt *m = userdata;
	int rc = MOSQ_ERR_SUCCESS;
	bool wrote = false;

	if (m->state == MQTT_STATE_CONNECTING)
		mqtt_attempt_note_socket(m, fd);
	if ((revents & (EPOLLERR | EPOLLHUP)) && m->state == MQTT_STATE_CONNECTING &&
	    connect_failed(m, fd))
		return 0;
	if (revents & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		m->in_io = true;
		rc = read_packets(m);
		m->last_in_usec = clock_monotonic_usec();
		note_inflow(m);
		if (m->read_answered)
			m->last_out_usec = m->last_in_usec;
		m->read_answered = false;
		mqtt_deliver(m);
		m->in_io = false;
	}
	/*
	 * What the read queued goes out now: the PUBACKs of what the handlers have
	 * stored by now, and what they published (a heater command first).
	 */
	if (rc == MOSQ_ERR_SUCCESS && ((revents & EPOLLOUT) || mosquitto_want_write(m->mosq))) {
		rc = mosquitto_loop_write(m->mosq, 1);
		m->last_out_usec = clock_monotonic_usec();
		wrote = true;
	}
	/* After the command; a packet written carried the ACK already. */
	if (rc == MOSQ_ERR_SUCCESS && (revents & EPOLLIN) && !wrote && m->io && !m->flooded)
		ack_now(fd);
	/*
	 * A socket hung up that libmosquitto read without complaint (its TLS
	 * handshake takes a hang-up for "try again"): it would wake us for ever.
	 */
	if (rc == MOSQ_ERR_SUCCESS && (revents & (EPOLLHUP | EPOLLERR)) && m->io) {
		mqtt_lost(m, socket_error(fd));
		return 0;
	}
	if (rc != MOSQ_ERR_SUCCESS) {
		/* The disconnect callback may already have run; both paths end here. */
		if (m->io)
			mqtt_lost(m, errno_from_mosq(rc));
		return 0;
	}
	mqtt_update_io_events(m);
	mqtt_arm_keepalive(m);
	return 0;
}

int mqtt_attach_socket(struct mqtt *m)
{
	int fd = mosquitto_socket(m->mosq);
	int r;

	mqtt_drop_io(m);
	if (fd < 0)
		return -ENOTCONN;
	r = event_add_io_dup(m->event, &m->io, fd, EPOLLIN | EPOLLOUT, on_io, m);
	if (r < 0)
		return r;
	(void) event_source_describe(m->io, "mqtt-socket");
	/* CONNECT is out; CONNACK is due within a keepalive period too. */
	m->last_in_usec = m->last_out_usec = clock_monotonic_usec();
	mqtt_update_io_events(m);
	mqtt_arm_keepalive(m);
	return 0;
}
