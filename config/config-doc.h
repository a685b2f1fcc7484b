#pragma once

#include <stdio.h>

/*
 * The configuration's documentation, made from the key table: the commented
 * example (config/bedroomd.conf.example) and the man page bedroomd.conf(5).
 * tools/config-doc writes them; a test checks that the committed files are
 * what these functions write now.
 */

/* Writes the commented example configuration to @f. Returns 0 or -EIO. */
int config_doc_example(FILE *f);

/* Writes the man page bedroomd.conf(5), roff, for bedroomd @version, to @f. Returns 0 or -EIO. */
int config_doc_man(FILE *f, const char *version);
