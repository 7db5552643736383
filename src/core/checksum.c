/*-------------------------------------------------------------------------
 *
 * checksum.c
 *	  The revision checksum, shared by server and client.
 *
 * The checksum covers everything that decides what a revision does: its
 * scripts and its place in the graph.  The message is left out so that it
 * can be corrected after the fact.  The server stores it at registration
 * and verifies it before a script runs; the client computes it for files,
 * so that push compares a directory with the database without sending
 * the scripts.
 *
 * IDENTIFICATION
 *	  src/core/checksum.c
 *
 *-------------------------------------------------------------------------
 */
#ifdef FRONTEND
#include "postgres_fe.h"
#else
#include "postgres.h"
#endif

#include "common/cryptohash.h"
#include "common/sha2.h"

#include "pgm_core.h"

/* one field: its length as a native 32-bit integer, then its bytes */
static bool
hash_field(pg_cryptohash_ctx *ctx, const char *p, size_t len)
{
	uint32		l = (uint32) len;

	return pg_cryptohash_update(ctx, (const uint8 *) &l, sizeof(l)) == 0 &&
		pg_cryptohash_update(ctx, (const uint8 *) p, len) == 0;
}

bool
pgm_revision_checksum(const char *up, const char *down,
					  char *const *const lists[3], const int counts[3],
					  char out[PGM_CHECKSUM_LEN + 1])
{
	static const char hexdigits[] = "0123456789abcdef";
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);
	uint8		digest[PG_SHA256_DIGEST_LENGTH];
	bool		ok;
	int			a,
				i;

	if (ctx == NULL)
		return false;
	ok = pg_cryptohash_init(ctx) == 0 && hash_field(ctx, up, strlen(up));
	if (ok)
		ok = down ? hash_field(ctx, down, strlen(down)) :
			hash_field(ctx, "\377null", 5);
	for (a = 0; a < 3 && ok; a++)
	{
		ok = hash_field(ctx, "\377array", 6);
		for (i = 0; i < counts[a] && ok; i++)
			ok = hash_field(ctx, lists[a][i], strlen(lists[a][i]));
	}
	if (ok)
		ok = pg_cryptohash_final(ctx, digest, sizeof(digest)) == 0;
	pg_cryptohash_free(ctx);
	if (!ok)
		return false;
	memcpy(out, "sha256:", 7);
	for (i = 0; i < PG_SHA256_DIGEST_LENGTH; i++)
	{
		out[7 + 2 * i] = hexdigits[digest[i] >> 4];
		out[7 + 2 * i + 1] = hexdigits[digest[i] & 0x0f];
	}
	out[PGM_CHECKSUM_LEN] = '\0';
	return true;
}
