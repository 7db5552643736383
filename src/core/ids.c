/*-------------------------------------------------------------------------
 *
 * ids.c
 *	  Revision id rules and generated ids, shared by server and client.
 *
 * Ids and labels appear in targets next to '@', '+', '-' and ':', so the
 * alphabet is narrow, a leading sign is refused (it would read as a
 * relative step) and the symbols of the target language are reserved.
 *
 * IDENTIFICATION
 *	  src/core/ids.c
 *
 *-------------------------------------------------------------------------
 */
#ifdef FRONTEND
#include "postgres_fe.h"
#else
#include "postgres.h"
#endif

#include "pgm_core.h"

PgmIdProblem
pgm_id_check(const char *id)
{
	const char *p;

	if (id == NULL || id[0] == '\0')
		return PGM_ID_EMPTY;
	if (strlen(id) > PGM_MAX_ID_LEN)
		return PGM_ID_TOO_LONG;
	for (p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			  (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.'))
			return PGM_ID_BAD_CHAR;
	if (strcmp(id, "head") == 0 || strcmp(id, "heads") == 0 ||
		strcmp(id, "base") == 0 || strcmp(id, "current") == 0)
		return PGM_ID_RESERVED;
	if (id[0] == '-' || id[0] == '+')
		return PGM_ID_SIGN;
	return PGM_ID_OK;
}

bool
pgm_project_name_ok(const char *project)
{
	size_t		len = strlen(project);

	return len > 0 && len <= PGM_MAX_PROJECT_LEN &&
		strspn(project, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") == len;
}

bool
pgm_random_id(char out[PGM_RANDOM_ID_LEN + 1])
{
	static const char hexdigits[] = "0123456789abcdef";
	uint8		bytes[PGM_RANDOM_ID_LEN / 2];
	int			i;

	if (!pg_strong_random(bytes, sizeof(bytes)))
		return false;
	for (i = 0; i < (int) sizeof(bytes); i++)
	{
		out[2 * i] = hexdigits[bytes[i] >> 4];
		out[2 * i + 1] = hexdigits[bytes[i] & 0x0f];
	}
	out[PGM_RANDOM_ID_LEN] = '\0';
	return true;
}
