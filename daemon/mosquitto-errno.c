/* libmosquitto's result codes as negative errno values: see mosquitto-errno.h. */
#include "daemon/mosquitto-errno.h"

#include <errno.h>
#include <mosquitto.h>

int errno_from_mosq(int rc)
{
	switch (rc) {
	case MOSQ_ERR_SUCCESS:
		return 0;
	case MOSQ_ERR_NOMEM:
		return -ENOMEM;
	case MOSQ_ERR_INVAL:
	case MOSQ_ERR_MALFORMED_UTF8:
		return -EINVAL;
	case MOSQ_ERR_NO_CONN:
	case MOSQ_ERR_CONN_LOST:
		return -ENOTCONN;
	case MOSQ_ERR_PAYLOAD_SIZE:
	case MOSQ_ERR_OVERSIZE_PACKET:
		return -EMSGSIZE;
	case MOSQ_ERR_CONN_REFUSED:
		return -ECONNREFUSED;
	case MOSQ_ERR_ERRNO:
		return errno > 0 ? -errno : -EIO;
	case MOSQ_ERR_EAI:
		return -EHOSTUNREACH;
	case MOSQ_ERR_TLS:
		return -EPROTO;
	case MOSQ_ERR_AUTH:
		return -EACCES;
	case MOSQ_ERR_KEEPALIVE:
		return -ETIMEDOUT;
	default:
		return -EIO;
	}
}
