#pragma once

/*
 * A value inside a parsed JSON payload by its key path, as the config's
 * json_key takes it ("temperature", "ENERGY.Power", "status.0.output"):
 * object keys separated by dots, digits indexing arrays. Shared by the
 * thermometer, bed-input and plug payload parsers. jansson's json_t stays
 * opaque here, so no header includes jansson.
 */

struct json_t;

/* The value at @path below @root, or NULL when a step is missing (or longer than 64 bytes). */
struct json_t *json_path_lookup(struct json_t *root, const char *path);
