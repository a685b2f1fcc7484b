/* Parses the `w1_slave` text of a DS18B20: scratchpad, CRC verdict, t=millidegrees. */
#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "sensors/sysfs-read.h"
#include "sensors/temp-w1.h"

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Parses nine "xx " groups at *p into @bytes, advancing *p. */
static int parse_scratchpad(const char **p, uint8_t bytes[9])
{
	const char *s = *p;

	for (int i = 0; i < 9; i++, s += 3) {
		int hi, lo;

		hi = hex_digit(s[0]);
		lo = hi < 0 ? -1 : hex_digit(s[1]);
		if (lo < 0 || s[2] != ' ')
			return -EBADMSG;
		bytes[i] = (uint8_t) (hi << 4 | lo);
	}
	*p = s;
	return 0;
}

int temp_w1_parse_slave(const char *text, struct temp_reading *ret)
{
	struct temp_reading reading = { 0 };
	uint8_t first[9], second[9];
	const char *p = text, *nl;
	char num[SYSFS_INT_MAX_LEN];
	bool ones = true, zeros = true;
	int64_t t;
	size_t len;

	assert(ret);
	if (parse_scratchpad(&p, first) < 0 || strncmp(p, ": crc=", 6) != 0)
		return -EBADMSG;
	p += 6;
	if (hex_digit(p[0]) < 0 || hex_digit(p[1]) < 0 || p[2] != ' ')
		return -EBADMSG;
	p += 3;
	if (strncmp(p, "YES\n", 4) == 0)
		p += 4;
	else if (strncmp(p, "NO\n", 3) == 0) {
		reading.crc_failed = true;
		p += 3;
	} else
		return -EBADMSG;
	if (parse_scratchpad(&p, second) < 0 || strncmp(p, "t=", 2) != 0)
		return -EBADMSG;
	p += 2;
	nl = strchr(p, '\n');
	if (!nl || nl[1] != '\0')
		return -EBADMSG;
	len = (size_t) (nl - p);
	if (len == 0 || len >= sizeof(num))
		return -EBADMSG;
	memcpy(num, p, len);
	num[len] = '\0';
	if (sysfs_parse_int(num, &t) < 0 || t < INT32_MIN || t > INT32_MAX)
		return -EBADMSG;
	for (int i = 0; i < 9; i++) {
		ones = ones && first[i] == 0xff;
		zeros = zeros && first[i] == 0x00;
	}
	reading.value_mc = (int32_t) t;
	reading.raw_all_ones = ones;
	reading.raw_all_zeros = zeros;
	*ret = reading;
	return 0;
}
