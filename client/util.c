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
	PgmBuf		b;
	va_list		ap;
	int			n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		pgm_fatal(PGM_EXIT_FILES, "could not format a message");
	pgm_buf_init(&b);
	b.data = pgm_realloc(b.data, n + 1);
	va_start(ap, fmt);
	vsnprintf(b.data, n + 1, fmt, ap);
	va_end(ap);
	return b.data;
}

void
pgm_buf_init(PgmBuf *b)
{
	b->cap = 64;
	b->len = 0;
	b->data = pgm_malloc(b->cap);
	b->data[0] = '\0';
}

void
pgm_buf_append_len(PgmBuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap)
	{
		while (b->len + n + 1 > b->cap)
			b->cap *= 2;
		b->data = pgm_realloc(b->data, b->cap);
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
pgm_buf_append(PgmBuf *b, const char *s)
{
	pgm_buf_append_len(b, s, strlen(s));
}

void
pgm_buf_printf(PgmBuf *b, const char *fmt,...)
{
	va_list		ap;
	int			n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		pgm_fatal(PGM_EXIT_FILES, "could not format a message");
	if (b->len + n + 1 > b->cap)
	{
		while (b->len + n + 1 > b->cap)
			b->cap *= 2;
		b->data = pgm_realloc(b->data, b->cap);
	}
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
}

void
pgm_buf_free(PgmBuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
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
	PgmBuf		b;
	int			i;

	pgm_buf_init(&b);
	for (i = 0; i < l->n; i++)
	{
		if (i > 0)
			pgm_buf_append(&b, sep);
		pgm_buf_append(&b, l->items[i]);
	}
	return b.data;
}

static void vmessage(const char *prefix, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static void
vmessage(const char *prefix, const char *fmt, va_list ap)
{
	fflush(stdout);
	if (prefix)
		fprintf(stderr, "%s: %s", pgm_progname, prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
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
	PgmBuf		b;
	ssize_t		n = 0;

	if (fd < 0)
		return NULL;
	/*
	 * Sized by fstat, so that a file is normally read with one read() (a
	 * push reads every file of the directory: system calls add up); the
	 * loop still follows a file that grows while it is read.
	 */
	pgm_buf_init(&b);
	if (fstat(fd, &st) != 0)
		memset(&st, 0, sizeof(st));
	else if (st.st_size > 0)
	{
		b.data = pgm_realloc(b.data, (size_t) st.st_size + 2);
		b.cap = (size_t) st.st_size + 2;
	}
	for (;;)
	{
		if (b.cap - b.len < 2)
		{
			b.cap = b.cap * 2 + 4096;
			b.data = pgm_realloc(b.data, b.cap);
		}
		n = read(fd, b.data + b.len, b.cap - b.len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		b.len += (size_t) n;
		/* a short read of a regular file is its end */
		if (S_ISREG(st.st_mode) && b.len >= (size_t) st.st_size &&
			b.cap - b.len - 1 > 0)
			break;
	}
	if (n < 0)
	{
		int			save = errno;

		close(fd);
		pgm_buf_free(&b);
		errno = save;
		return NULL;
	}
	close(fd);
	b.data[b.len] = '\0';
	if (memchr(b.data, '\0', b.len) != NULL)
	{
		pgm_buf_free(&b);
		errno = EILSEQ;
		return NULL;
	}
	if (len)
		*len = b.len;
	return b.data;
}

/* Write a file through a temporary name, so a reader never sees half. */
bool
pgm_write_file(const char *path, const char *data, size_t len)
{
	char	   *tmp = pgm_printf("%s.tmp%d", path, (int) getpid());
	FILE	   *f = fopen(tmp, "wb");

	if (f == NULL)
	{
		free(tmp);
		return false;
	}
	if (fwrite(data, 1, len, f) != len || fclose(f) != 0)
	{
		int			save = errno;

		unlink(tmp);
		free(tmp);
		errno = save;
		return false;
	}
	if (rename(tmp, path) != 0)
	{
		int			save = errno;

		unlink(tmp);
		free(tmp);
		errno = save;
		return false;
	}
	free(tmp);
	return true;
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

bool
pgm_list_dir(const char *dir, const char *suffix, PgmList *out)
{
	DIR		   *d = opendir(dir);
	struct dirent *de;
	size_t		sl = strlen(suffix);

	if (d == NULL)
		return false;
	while ((de = readdir(d)) != NULL)
	{
		size_t		nl = strlen(de->d_name);
		char	   *full;
		struct stat st;

		if (de->d_name[0] == '.' || nl < sl ||
			strcmp(de->d_name + nl - sl, suffix) != 0)
			continue;
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
	if (out->n > 1)
		qsort(out->items, out->n, sizeof(char *), cmp_str);
	return true;
}

/* The id rules of SPEC section 3, checked before anything is sent. */
bool
pgm_valid_id(const char *id, const char **why)
{
	const char *p;
	static const char *const reserved[] = {"head", "heads", "base", "current"};
	int			i;

	if (id == NULL || id[0] == '\0')
	{
		*why = "it is empty";
		return false;
	}
	if (strlen(id) > 64)
	{
		*why = "it is longer than 64 characters";
		return false;
	}
	for (p = id; *p; p++)
	{
		if (!(isalnum((unsigned char) *p) || *p == '_' || *p == '-' || *p == '.') ||
			(unsigned char) *p >= 0x80)
		{
			*why = "only letters, digits, \"_\", \"-\" and \".\" are allowed";
			return false;
		}
	}
	for (i = 0; i < 4; i++)
	{
		if (strcmp(id, reserved[i]) == 0)
		{
			*why = "it is a reserved word";
			return false;
		}
	}
	return true;
}

/*
 * A file-name-friendly form of a message: lower-case letters and digits,
 * other runs replaced by one "_", at most maxlen characters.
 */
char *
pgm_slug(const char *text, size_t maxlen)
{
	PgmBuf		b;
	const char *p;
	bool		sep = false;

	pgm_buf_init(&b);
	for (p = text ? text : ""; *p && b.len < maxlen; p++)
	{
		unsigned char c = (unsigned char) *p;

		if (c < 0x80 && isalnum(c))
		{
			char		lc = (char) tolower(c);

			if (sep && b.len > 0)
				pgm_buf_append_len(&b, "_", 1);
			sep = false;
			pgm_buf_append_len(&b, &lc, 1);
		}
		else
			sep = true;
	}
	return b.data;
}
