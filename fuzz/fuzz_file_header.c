/*-------------------------------------------------------------------------
 *
 * fuzz_file_header.c
 *	  libFuzzer harness for the migration file parser (client/files.c).
 *
 * Any input must parse or be refused with a message, never crash, read out
 * of bounds or leak (AddressSanitizer and LeakSanitizer watch).  What
 * parses must survive the round trip the client relies on for "pull" and
 * "push": formatting it and parsing the result gives the same revision,
 * field by field, and formatting that again gives the same bytes.
 *
 * IDENTIFICATION
 *	  fuzz/fuzz_file_header.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgm.h"

static int
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static int
list_eq(const PgmList *a, const PgmList *b)
{
	int			i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->items[i], b->items[i]) != 0)
			return 0;
	return 1;
}

static void
check(int ok, const char *what)
{
	if (!ok)
	{
		fprintf(stderr, "round trip broken: %s\n", what);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *text = malloc(size + 1);
	PgmMigration m1;
	PgmMigration m2;
	char	   *out1;
	char	   *out2;

	memcpy(text, data, size);
	text[size] = '\0';
	pgm_migration_init(&m1);
	if (!pgm_parse_migration("fuzz.sql", text, size, &m1) || !m1.has_header ||
		(out1 = pgm_format_migration(&m1)) == NULL)
	{
		pgm_migration_free(&m1);
		free(text);
		return 0;
	}
	pgm_migration_init(&m2);
	check(pgm_parse_migration("fuzz.sql", out1, strlen(out1), &m2),
		  "the formatted text does not parse");
	check(str_eq(m1.id, m2.id), "id");
	check(list_eq(&m1.parents, &m2.parents), "parents");
	check(list_eq(&m1.branch_labels, &m2.branch_labels), "branch labels");
	check(list_eq(&m1.depends_on, &m2.depends_on), "dependencies");
	check(str_eq(m1.message, m2.message), "message");
	check(str_eq(m1.up, m2.up), "up script");
	check(str_eq(m1.down, m2.down), "down script");
	out2 = pgm_format_migration(&m2);
	check(out2 != NULL && strcmp(out1, out2) == 0, "formatting is not stable");
	free(out1);
	free(out2);
	pgm_migration_free(&m1);
	pgm_migration_free(&m2);
	free(text);
	return 0;
}
