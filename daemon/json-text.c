#include <jansson.h>
#include <math.h>
#include <stdlib.h>

#include "config/config-escape.h"
#include "daemon/json-text.h"

json_t *json_text(const char *text)
{
	json_t *j;
	char *shown;

	if (!text)
		return json_null();
	j = json_string(text);
	if (j)
		return j;
	shown = config_escape(text);
	j = shown ? json_string(shown) : NULL;
	free(shown);
	return j;
}

json_t *json_tristate(int v)
{
	return v < 0 ? json_null() : json_boolean(v);
}

json_t *json_real_or_null(double v, int decimals)
{
	double scale = pow(10, decimals);

	return isnan(v) ? json_null() : json_real(round(v * scale) / scale);
}

json_t *json_count_or_null(int v)
{
	return v < 0 ? json_null() : json_integer(v);
}
