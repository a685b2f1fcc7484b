/*
 * A name service the test controls: preloaded into the daemon (LD_PRELOAD),
 * it answers getaddrinfo() for the one name in $FAULTS_DNS_NAME as the file
 * $FAULTS_DNS_FILE says (read at every call, so a rewrite changes it at once):
 *
 *   hang       no answer for 60 s, then EAI_AGAIN: a DNS server that is down
 *              or drops queries, as resolv.conf's timeouts and attempts make it
 *   none       EAI_NONAME at once: the name does not exist
 *   <address>  that address (numeric: "127.0.0.1"), at once
 *
 * Every other name, and every call while the file is missing, goes to the
 * real getaddrinfo(). The sleep is in the calling process: a caller that
 * blocks its event loop on it stalls for the whole 60 s.
 */
#include <dlfcn.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HANG_S 60

static int (*real_getaddrinfo(void))(const char *, const char *, const struct addrinfo *,
				     struct addrinfo **)
{
	static int (*real)(const char *, const char *, const struct addrinfo *, struct addrinfo **);

	if (!real)
		*(void **) &real = dlsym(RTLD_NEXT, "getaddrinfo");
	return real;
}

/* What the control file says, into @buf ("" when it is missing). */
static void mode(char *buf, size_t size)
{
	const char *path = getenv("FAULTS_DNS_FILE");
	FILE *f;

	buf[0] = '\0';
	if (!path)
		return;
	f = fopen(path, "re");
	if (!f)
		return;
	if (!fgets(buf, (int) size, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
}

int getaddrinfo(const char *restrict node, const char *restrict service,
		const struct addrinfo *restrict hints, struct addrinfo **restrict res)
{
	const char *name = getenv("FAULTS_DNS_NAME");
	char what[64];

	if (!node || !name || strcmp(node, name) != 0)
		return real_getaddrinfo()(node, service, hints, res);
	mode(what, sizeof(what));
	if (strcmp(what, "hang") == 0) {
		struct timespec left = { .tv_sec = HANG_S };

		while (nanosleep(&left, &left) != 0)
			;
		return EAI_AGAIN;
	}
	if (strcmp(what, "none") == 0)
		return EAI_NONAME;
	if (!what[0])
		return real_getaddrinfo()(node, service, hints, res);
	return real_getaddrinfo()(what, service, hints, res);
}
