/* A value in a JSON payload by its key path: see json-path.h. */
#include "sensors/json-path.h"

#include <assert.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Longest key path segment we look up; keys of real devices are short. */
#define KEY_SEGMENT_MAX 64

struct json_t *json_path_lookup(struct json_t *root, const char *path)
{
	json_t *cur = root;

	assert(root);
	while (cur) {
		size_t n;

		n = strcspn(path, ".");
		if (n == 0 || n > KEY_SEGMENT_MAX)
			return NULL;
		if (json_is_object(cur))
			cur = json_object_getn(cur, path, n);
		else if (json_is_array(cur) && strspn(path, "0123456789") >= n && n <= 9) {
			char idx[10];

			memcpy(idx, path, n);
			idx[n] = '\0';
			cur = json_array_get(cur, strtoul(idx, NULL, 10));
		} else
			return NULL;
		if (path[n] == '\0')
			return cur;
		path += n + 1;
	}
	return NULL;
}
