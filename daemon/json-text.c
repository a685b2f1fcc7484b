#include <jansson.h>
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
