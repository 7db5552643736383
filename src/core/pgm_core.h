/*-------------------------------------------------------------------------
 *
 * pgm_core.h
 *	  The rules that the extension and the client share, compiled into
 *	  both: revision id syntax, the revision checksum and id generation.
 *
 * Everything here is plain C over PostgreSQL's portable support code
 * (common/cryptohash.h, pg_strong_random), usable in the backend and, with
 * FRONTEND defined, in the client.  Nothing here allocates, reports errors
 * or calls upwards: callers pass buffers and turn results into their own
 * messages.
 *
 * IDENTIFICATION
 *	  src/core/pgm_core.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PGM_CORE_H
#define PGM_CORE_H

#include <stdbool.h>

/* the longest revision id or branch label */
#define PGM_MAX_ID_LEN		64

/* "sha256:" and 64 hex digits */
#define PGM_CHECKSUM_LEN	(7 + 64)

/* length of a generated revision id: 12 hex digits */
#define PGM_RANDOM_ID_LEN	12

/* what is wrong with a revision id or branch label */
typedef enum PgmIdProblem
{
	PGM_ID_OK,
	PGM_ID_EMPTY,
	PGM_ID_TOO_LONG,
	PGM_ID_BAD_CHAR,			/* outside a-z A-Z 0-9 _ - . */
	PGM_ID_RESERVED,			/* head, heads, base, current */
	PGM_ID_SIGN					/* starts with '-' or '+' */
} PgmIdProblem;

extern PgmIdProblem pgm_id_check(const char *id);

/*
 * The revision checksum: SHA-256 over the up script, the down script (NULL
 * marked as such) and the parents, branch labels and dependencies, every
 * field preceded by its length.  lists[k] has counts[k] entries (k = 0
 * parents, 1 labels, 2 dependencies).  Writes "sha256:<hex>" and a NUL
 * into out; false if the hash could not be computed.
 */
extern bool pgm_revision_checksum(const char *up, const char *down,
								  char *const *const lists[3],
								  const int counts[3],
								  char out[PGM_CHECKSUM_LEN + 1]);

/* A random revision id (12 lower-case hex digits and a NUL); false on failure */
extern bool pgm_random_id(char out[PGM_RANDOM_ID_LEN + 1]);

#endif							/* PGM_CORE_H */
