/*-------------------------------------------------------------------------
 *
 * pgq.h
 *	  libpg_query's parse trees, read as JSON (classify.c), for the
 *	  client's statement classification and its linter.
 *
 * IDENTIFICATION
 *	  client/pgq.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PGM_PGQ_H
#define PGM_PGQ_H

#include <stdbool.h>

/* A parsed JSON value: only what the parse tree uses */
typedef enum JsonKind
{
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
	JSON_RAW					/* deeper than JSON_MAX_DEPTH: its text, unread */
} JsonKind;

typedef struct Json
{
	JsonKind	kind;
	bool		boolean;
	long		number;
	char	   *string;
	int			n;				/* array elements or object members */
	int			space;			/* allocated length of keys and items */
	char	  **keys;
	struct Json **items;
} Json;

typedef struct JsonParser
{
	const char *p;
	int			depth;
	bool		failed;
} JsonParser;

extern Json *json_value(JsonParser *jp);
extern void json_free(Json *v);
extern const Json *json_get(const Json *v, const char *key);
extern bool json_get_bool(const Json *v, const char *key);
extern const char *json_get_str(const Json *v, const char *key);
extern const char *json_node_type(const Json *v, const Json **fields);
extern bool pgq_option_true(const Json *options, const char *name, bool if_absent);
extern int	pgq_line_of(const char *script, int position);
extern void pgq_statement_range(int total, const Json *raw, int *start, int *len);
extern Json *pgq_parse(const char *script, char **error, int *error_line);

#endif							/* PGM_PGQ_H */
