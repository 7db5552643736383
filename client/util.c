/*-------------------------------------------------------------------------
 *
 * util.c
 *	  Memory, strings, lists, messages and files for the pg_migrate client.
 *
 * Allocation failures end the program: the client is short-lived and has
 * nothing to clean up that the operating system does not.
 *
 *-------------------------------------------------------------------------
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pgm.h"

const char *pgm_progname = "pg_migrate";

void *
pgm_malloc(size_t size)
{
	void	   *p = malloc(size ? size : 1);

	if (p == NULL)
		pgm_fatal(PGM_EXIT_FILES, "out of memory");
	return p;
}

void *
pgm_realloc(void *p, size_t size)
{
	void	   *q = realloc(p, size ? size : 1);

	if (q == NULL)
		pgm_fatal(PGM_EXIT_FILES, "out of memory");
	return q;
}

char *
pgm_strdup(const char *s)
{
	return pgm_strndup(s, strlen(s));
}

char *
pgm_strndup(const char *s, size_t n)
{
	char	   *p = pgm_malloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
pgm_printf(const char *fmt,...)
{
	va_list		ap;
	char	   *s;

	va_start(ap, fmt);
	s = pgm_vprintf(fmt, ap);
	va_end(ap);
	return s;
}

/* vsnprintf into a malloc'd string */
char *
pgm_vprintf(const char *fmt, va_list ap)
{
	va_list		ap2;
	int			n;
	char	   *s;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		pgm_fatal(PGM_EXIT_FILES, "could not format a message");
	s = pgm_malloc(n + 1);
	vsnprintf(s, n + 1, fmt, ap);
	return s;
}

/* The text of a finished buffer; out of memory (a broken buffer) exits. */
char *
pgm_buf_data(PQExpBuffer b)
{
	if (PQExpBufferBroken(b))
		pgm_fatal(PGM_EXIT_FILES, "out of memory");
	return b->data;
}

void
pgm_list_add(PgmList *l, const char *s)
{
	if (l->n == l->cap)
	{
		l->cap = l->cap ? l->cap * 2 : 4;
		l->items = pgm_realloc(l->items, l->cap * sizeof(char *));
	}
	l->items[l->n++] = pgm_strdup(s);
}

bool
pgm_list_contains(const PgmList *l, const char *s)
{
	int			i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->items[i], s) == 0)
			return true;
	return false;
}

/* Do the lists hold the same strings (each list without duplicates)? */
bool
pgm_list_same_members(const PgmList *a, const PgmList *b)
{
	int			i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (!pgm_list_contains(b, a->items[i]))
			return false;
	return true;
}

void
pgm_list_free(PgmList *l)
{
	int			i;

	for (i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
}

/*
 * Split a comma-separated list, trimming blanks around items and dropping
 * empty ones ("a, b" and "a,b" give the same list).
 */
void
pgm_list_split(PgmList *l, const char *csv)
{
	const char *p = csv;

	while (*p)
	{
		const char *start;
		const char *end;

		while (*p == ' ' || *p == '\t')
			p++;
		start = p;
		while (*p && *p != ',')
			p++;
		end = p;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end > start)
		{
			char	   *item = pgm_strndup(start, end - start);

			pgm_list_add(l, item);
			free(item);
		}
		if (*p == ',')
			p++;
	}
}

char *
pgm_list_join(const PgmList *l, const char *sep)
{
	PQExpBufferData b;
	int			i;

	initPQExpBuffer(&b);
	for (i = 0; i < l->n; i++)
	{
		if (i > 0)
			appendPQExpBufferStr(&b, sep);
		appendPQExpBufferStr(&b, l->items[i]);
	}
	return pgm_buf_data(&b);
}

/*
 * Append s for display: control characters (bytes below 0x20, and 0x7f)
 * are written as \n, \r, \t or \xNN, so that a file name, id or message
 * shown to the user can neither break a line nor send a terminal control
 * sequence.  Everything else is copied as it is.
 */
void
pgm_buf_append_display(PQExpBuffer b, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *) s; *p; p++)
	{
		if (*p == '\n')
			appendPQExpBufferStr(b, "\\n");
		else if (*p == '\r')
			appendPQExpBufferStr(b, "\\r");
		else if (*p == '\t')
			appendPQExpBufferStr(b, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			appendPQExpBuffer(b, "\\x%02x", *p);
		else
			appendBinaryPQExpBuffer(b, (const char *) p, 1);
	}
}

/* The display form of s (see pgm_buf_append_display), malloc'd. */
char *
pgm_escaped(const char *s)
{
	PQExpBufferData b;

	initPQExpBuffer(&b);
	pgm_buf_append_display(&b, s ? s : "");
	return pgm_buf_data(&b);
}

/* Does s hold a control character (one that pgm_display escapes)? */
bool
pgm_has_control(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *) s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return true;
	return false;
}

static void vmessage(const char *prefix, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/*
 * Messages echo file names, ids and other text that the user, a file or
 * the database chose; the whole line goes through pgm_buf_append_display,
 * so that none of it can forge further lines.  Text that may legitimately
 * hold line breaks (libpq's messages, the server's detail and context) is
 * printed by pgm_libpq_error and pgm_report_result_error instead.
 */
static void
vmessage(const char *prefix, const char *fmt, va_list ap)
{
	char	   *line = pgm_vprintf(fmt, ap);
	PQExpBufferData shown;

	initPQExpBuffer(&shown);
	pgm_buf_append_display(&shown, line);
	fflush(stdout);
	if (prefix)
		fprintf(stderr, "%s: %s", pgm_progname, prefix);
	fputs(pgm_buf_data(&shown), stderr);
	fputc('\n', stderr);
	free(line);
	termPQExpBuffer(&shown);
}

void
pgm_error(const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vmessage("error: ", fmt, ap);
	va_end(ap);
}

void
pgm_warning(const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vmessage("warning: ", fmt, ap);
	va_end(ap);
}

/* A further line of a message (such as a list item), escaped likewise. */
void
pgm_message(const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vmessage(NULL, fmt, ap);
	va_end(ap);
}

void
pgm_detail(const char *fmt,...)
{
	va_list		ap;

	fputs("DETAIL:  ", stderr);
	va_start(ap, fmt);
	vmessage(NULL, fmt, ap);
	va_end(ap);
}

void
pgm_hint(const char *fmt,...)
{
	va_list		ap;

	fputs("HINT:  ", stderr);
	va_start(ap, fmt);
	vmessage(NULL, fmt, ap);
	va_end(ap);
}

void
pgm_fatal(int code, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vmessage("error: ", fmt, ap);
	va_end(ap);
	exit(code);
}

/*
 * Read a whole file.  Refuses files with NUL bytes, which cannot be SQL
 * text, so that every caller may treat the result as a C string.
 */
char *
pgm_read_file(const char *path, size_t *len)
{
	int			fd = open(path, O_RDONLY);
	struct stat st = {0};
	PQExpBufferData b;
	ssize_t		n = 0;

	if (fd < 0)
		return NULL;
	/*
	 * Sized by fstat, so that a file is normally read with one read() (a
	 * push reads every file of the directory: system calls add up); the
	 * loop still follows a file that grows while it is read.
	 */
	initPQExpBuffer(&b);
	if (fstat(fd, &st) != 0)
		memset(&st, 0, sizeof(st));
	else if (st.st_size > 0 && !enlargePQExpBuffer(&b, (size_t) st.st_size + 1))
		pgm_fatal(PGM_EXIT_FILES, "out of memory");
	for (;;)
	{
		if (b.maxlen - b.len < 2 && !enlargePQExpBuffer(&b, b.maxlen + 4096))
			pgm_fatal(PGM_EXIT_FILES, "out of memory");
		n = read(fd, b.data + b.len, b.maxlen - b.len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		b.len += (size_t) n;
		/* a short read of a regular file is its end */
		if (S_ISREG(st.st_mode) && b.len >= (size_t) st.st_size &&
			b.maxlen - b.len - 1 > 0)
			break;
	}
	if (n < 0)
	{
		int			save = errno;

		close(fd);
		termPQExpBuffer(&b);
		errno = save;
		return NULL;
	}
	close(fd);
	b.data[b.len] = '\0';
	if (memchr(b.data, '\0', b.len) != NULL)
	{
		termPQExpBuffer(&b);
		errno = EILSEQ;
		return NULL;
	}
	if (len)
		*len = b.len;
	return pgm_buf_data(&b);
}

static bool
write_all(int fd, const char *data, size_t len)
{
	while (len > 0)
	{
		ssize_t		n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
		{
			if (n == 0)
				errno = EIO;
			return false;
		}
		data += n;
		len -= (size_t) n;
	}
	return true;
}

/*
 * A device or FIFO is written where it is: it is how output is sent to
 * /dev/null, a terminal or a pipe, and replacing the node would break it
 * for everybody else (O_TRUNC means nothing for these).  O_NOFOLLOW and the
 * check of the node that was opened keep a link or file swapped in since
 * the lstat() from being written through.  Opening a FIFO waits for its
 * reader.
 */
static bool
write_in_place(const char *path, const struct stat *seen, const char *data,
			   size_t len)
{
	int			fd = open(path, O_WRONLY | O_NOFOLLOW | O_NOCTTY);
	struct stat st;

	if (fd < 0)
	{
		pgm_error("could not write file \"%s\": %s", path, strerror(errno));
		return false;
	}
	if (fstat(fd, &st) != 0 || st.st_dev != seen->st_dev ||
		st.st_ino != seen->st_ino)
	{
		close(fd);
		pgm_error("could not write file \"%s\": it was replaced while being opened", path);
		return false;
	}
	if (!write_all(fd, data, len))
	{
		int			save = errno;

		close(fd);
		pgm_error("could not write file \"%s\": %s", path, strerror(save));
		return false;
	}
	if (close(fd) != 0)
	{
		pgm_error("could not write file \"%s\": %s", path, strerror(errno));
		return false;
	}
	return true;
}

/*
 * A regular file (or a new one) is replaced whole: the data goes to a
 * temporary that mkstemp() creates in the same directory (an unpredictable
 * name that nobody else can have created first, on the same file system
 * so that rename() is atomic), is flushed to disk, and is renamed over the
 * target.  A reader sees the old file or the new one, never half of one,
 * and a crash leaves at worst a stray temporary.
 */
/*
 * Flush the directory of path, so that a rename into it survives a crash.
 * Best effort: the file is in place either way.
 */
static void
fsync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char	   *dir = slash ? pgm_strndup(path, slash == path ? 1 : (size_t) (slash - path))
		: pgm_strdup(".");
	int			fd = open(dir, O_RDONLY | O_DIRECTORY);

	if (fd >= 0)
	{
		(void) fsync(fd);
		close(fd);
	}
	free(dir);
}

static bool
write_replacing(const char *path, mode_t mode, const char *data, size_t len)
{
	char	   *tmp = pgm_printf("%s.tmpXXXXXX", path);
	int			fd = mkstemp(tmp);

	if (fd < 0)
	{
		pgm_error("could not write file \"%s\": %s", path, strerror(errno));
		free(tmp);
		return false;
	}
	/* mkstemp() creates the file 0600 */
	if (fchmod(fd, mode) != 0 || !write_all(fd, data, len) || fsync(fd) != 0)
	{
		int			save = errno;

		close(fd);
		unlink(tmp);
		free(tmp);
		pgm_error("could not write file \"%s\": %s", path, strerror(save));
		return false;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0)
	{
		int			save = errno;

		unlink(tmp);
		free(tmp);
		pgm_error("could not write file \"%s\": %s", path, strerror(save));
		return false;
	}
	free(tmp);
	fsync_parent(path);
	return true;
}

/*
 * Write an output file (bundle -o, pull, new, merge --dir, import), after
 * looking at what the path is now:
 *
 *	- nothing, or a regular file: replaced through a temporary (see
 *	  write_replacing), keeping a replaced file's permission bits; a new
 *	  file gets 0666 less the umask, as fopen() would give it;
 *	- a character or block device or a FIFO: written in place, never
 *	  replaced (bundle -o /dev/null must leave /dev/null a device);
 *	- a symbolic link: refused.  Replacing it would drop the link, and
 *	  following it would let whoever placed it (in a shared directory, for
 *	  a client run as root) choose which file gets overwritten;
 *	- a directory or anything else: refused.
 *
 * Prints an error and returns false on failure; the target is then as it
 * was.
 */
bool
pgm_write_file(const char *path, const char *data, size_t len)
{
	struct stat st;
	mode_t		mode;

	if (lstat(path, &st) == 0)
	{
		if (S_ISLNK(st.st_mode))
		{
			pgm_error("refusing to write \"%s\": it is a symbolic link", path);
			pgm_hint("Output files are not written through symbolic links; give the path of the file itself.");
			return false;
		}
		if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISFIFO(st.st_mode))
			return write_in_place(path, &st, data, len);
		if (S_ISDIR(st.st_mode))
		{
			pgm_error("could not write file \"%s\": it is a directory", path);
			return false;
		}
		if (!S_ISREG(st.st_mode))
		{
			pgm_error("could not write file \"%s\": it is not a regular file", path);
			return false;
		}
		/* the permission bits only: never set-id bits on a file we create */
		mode = st.st_mode & 0777;
	}
	else if (errno != ENOENT)
	{
		pgm_error("could not write file \"%s\": %s", path, strerror(errno));
		return false;
	}
	else
	{
		/* the umask can only be read by setting it */
		mode_t		mask = umask(0);

		umask(mask);
		mode = 0666 & ~mask;
	}
	return write_replacing(path, mode, data, len);
}

char *
pgm_path_join(const char *dir, const char *name)
{
	size_t		dl = strlen(dir);

	if (dl > 0 && dir[dl - 1] == '/')
		return pgm_printf("%s%s", dir, name);
	return pgm_printf("%s/%s", dir, name);
}

bool
pgm_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool
pgm_mkdir_p(const char *path)
{
	char	   *p = pgm_strdup(path);
	char	   *s;

	for (s = p + 1; *s; s++)
	{
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST)
		{
			free(p);
			return false;
		}
		*s = '/';
	}
	if (mkdir(p, 0777) != 0 && errno != EEXIST)
	{
		free(p);
		return false;
	}
	free(p);
	return pgm_is_dir(path);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/*
 * The sorted (strcmp) names of the regular files in dir (or links to
 * them) that end with suffix, hidden files left out.  A candidate whose
 * name holds a control character is refused: such a name could break a
 * line of a message, or of generated SQL (bundle writes each file's name
 * into an SQL comment, and psql would run a line that a newline in the
 * name starts).  Prints an error and returns false on failure.
 */
bool
pgm_list_dir(const char *dir, const char *suffix, PgmList *out)
{
	DIR		   *d = opendir(dir);
	struct dirent *de;
	size_t		sl = strlen(suffix);
	PgmList		bad = {0};
	int			i;

	if (d == NULL)
	{
		pgm_error("could not read directory \"%s\": %s", dir, strerror(errno));
		return false;
	}
	while ((de = readdir(d)) != NULL)
	{
		size_t		nl = strlen(de->d_name);
		char	   *full;
		struct stat st;

		if (de->d_name[0] == '.' || nl < sl ||
			strcmp(de->d_name + nl - sl, suffix) != 0)
			continue;
		if (pgm_has_control(de->d_name))
		{
			pgm_list_add(&bad, de->d_name);
			continue;
		}
		/* the directory entry's type spares a stat() per file */
		if (de->d_type == DT_REG)
		{
			pgm_list_add(out, de->d_name);
			continue;
		}
		if (de->d_type != DT_UNKNOWN && de->d_type != DT_LNK)
			continue;
		full = pgm_path_join(dir, de->d_name);
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode))
			pgm_list_add(out, de->d_name);
		free(full);
	}
	closedir(d);
	if (bad.n > 0)
	{
		if (bad.n > 1)
			qsort(bad.items, bad.n, sizeof(char *), cmp_str);
		for (i = 0; i < bad.n; i++)
		{
			char	   *full = pgm_path_join(dir, bad.items[i]);

			pgm_error("refusing file \"%s\": its name contains a control character", full);
			free(full);
		}
		pgm_hint("Rename the file%s: control characters in file names could forge lines in messages and in generated SQL.",
				 bad.n > 1 ? "s" : "");
		pgm_list_free(&bad);
		return false;
	}
	if (out->n > 1)
		qsort(out->items, out->n, sizeof(char *), cmp_str);
	return true;
}

/*
 * The id rules (src/core/ids.c, the server's own), checked before anything
 * is sent, with the client's wording.
 */
bool
pgm_valid_id(const char *id, const char **why)
{
	switch (pgm_id_check(id))
	{
		case PGM_ID_OK:
			return true;
		case PGM_ID_EMPTY:
			*why = "it is empty";
			break;
		case PGM_ID_TOO_LONG:
			*why = "it is longer than 64 characters";
			break;
		case PGM_ID_BAD_CHAR:
			*why = "only letters, digits, \"_\", \"-\" and \".\" are allowed";
			break;
		case PGM_ID_RESERVED:
			*why = "it is a reserved word";
			break;
		case PGM_ID_SIGN:
			*why = "it must not start with \"-\" or \"+\", which would read as a relative step";
			break;
	}
	return false;
}

/*
 * A file-name-friendly form of a message: lower-case letters and digits,
 * other runs replaced by one "_", at most maxlen characters.
 */
char *
pgm_slug(const char *text, size_t maxlen)
{
	PQExpBufferData b;
	const char *p;
	bool		sep = false;

	initPQExpBuffer(&b);
	for (p = text ? text : ""; *p && b.len < maxlen; p++)
	{
		unsigned char c = (unsigned char) *p;

		if (c < 0x80 && isalnum(c))
		{
			char		lc = (char) tolower(c);

			if (sep && b.len > 0)
				appendBinaryPQExpBuffer(&b, "_", 1);
			sep = false;
			appendBinaryPQExpBuffer(&b, &lc, 1);
		}
		else
			sep = true;
	}
	return pgm_buf_data(&b);
}
