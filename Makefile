# pg_migrate/Makefile

MODULE_big = pg_migrate
OBJS = \
	$(WIN32RES) \
	src/access.o \
	src/args.o \
	src/audit.o \
	src/core/checksum.o \
	src/core/graph.o \
	src/core/ids.o \
	src/core/lint.o \
	src/core/plan.o \
	src/core/script.o \
	src/core/target.o \
	src/core/text.o \
	src/commands.o \
	src/diff.o \
	src/execute.o \
	src/lint.o \
	src/lint_sql.o \
	src/lock.o \
	src/parse.o \
	src/pg_migrate.o \
	src/reconcile.o \
	src/register.o \
	src/schema.o \
	src/snapshot.o \
	src/state.o \
	src/status.o \
	src/storage.o \
	src/verify.o \
	src/worker.o

EXTENSION = pg_migrate pg_migrate_tap
DATA = pg_migrate--0.1.0.sql pg_migrate--0.1.0--0.2.0.sql \
	pg_migrate--0.2.0--0.3.0.sql pg_migrate--0.3.0--0.4.0.sql \
	pg_migrate--0.4.0.sql pg_migrate--0.1.0.control pg_migrate_tap--0.4.0.sql
PGFILEDESC = "pg_migrate - schema migrations managed inside the database"

REGRESS = setup apply extension_update nontransactional graph targets upgrade downgrade stamp relative history \
	status script unregister errors badinput security access hostile hardening cache schema worker lint diff tenants
REGRESS_OPTS = --inputdir=. --outputdir=. --load-extension=pg_migrate

ISOLATION = concurrent_upgrade upgrade_rr upgrade_downgrade register_during_upgrade \
	status_during_upgrade lock_timeout apply_race fast_path state_cache tamper_during_downgrade \
	unregister_during_upgrade early_refusal stale_progress
ISOLATION_OPTS = --inputdir=test/isolation --outputdir=test/isolation/output_iso \
	--load-extension=pg_migrate

# "make installcheck" also runs the TAP tests (each starts clusters of its
# own, as the invoking user), after "make install"; scripts/test runs them
# with prove itself and passes TAP_TESTS= here.
TAP_TESTS = 1
PROVE_TESTS = test/t/*.pl

PG_CPPFLAGS = -I$(srcdir)/src -I$(srcdir)/src/core

EXTRA_CLEAN = test/isolation/output_iso

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS tracks no header dependencies: every module includes these
$(OBJS): $(wildcard $(srcdir)/src/*.h) src/core/pgm_core.h src/core/pgm_lint.h src/core/core_int.h $(wildcard src/compat.h)

# The pg_migrate client: C and libpq, installed next to psql.  The rules it
# shares with the extension (src/core) are compiled a second time as
# frontend code, over PostgreSQL's libpgcommon and libpgport (SHA-256
# through libcrypto, strong random numbers).
CLIENT_CORE_OBJS = client/core_ids.o client/core_checksum.o client/core_graph.o \
	client/core_target.o client/core_plan.o client/core_script.o client/core_text.o \
	client/core_lint.o
CLIENT_OBJS = client/main.o client/cmd_push.o client/cmd_run.o client/cmd_read.o client/cmd_check.o \
	client/cmd_files.o client/util.o client/files.o client/db.o client/import.o \
	client/import_dbmate.o client/import_golang.o client/import_flyway.o \
	client/import_sqitch.o client/import_alembic.o client/offline.o client/classify.o \
	client/cmd_lint.o client/lint_extract.o client/cmd_diff.o client/cmd_fleet.o \
	$(CLIENT_CORE_OBJS) client/pg_query.o
EXTRA_CLEAN += $(CLIENT_OBJS) client/pg_migrate client/pg_query_all.o

all: client/pg_migrate
client: client/pg_migrate
.PHONY: client install-client uninstall-client

client/%.o: client/%.c client/pgm.h client/cmd.h client/import_int.h client/pgq.h src/core/pgm_core.h src/core/pgm_lint.h
	$(CC) $(CFLAGS) -DFRONTEND -I$(srcdir)/client -I$(srcdir)/src/core -I$(includedir) -I$(includedir_server) -I$(includedir)/internal -c $< -o $@

client/core_%.o: src/core/%.c src/core/pgm_core.h src/core/pgm_lint.h src/core/core_int.h
	$(CC) $(CFLAGS) -DFRONTEND -I$(srcdir)/src/core -I$(includedir_server) -c $< -o $@

# libpg_query (Debian's libpg-query-dev: PostgreSQL's parser for frontend
# code) carries copies of backend functions such as palloc, which clash
# with libpgcommon's.  It is linked as one object in which only the
# pg_query_* functions it is used through stay global.
PG_QUERY_LIB ?= /usr/lib/$(shell $(CC) -print-multiarch)/libpg_query.a
PG_QUERY_API = pg_query_parse pg_query_free_parse_result \
	pg_query_split_with_parser pg_query_split_with_scanner pg_query_free_split_result
client/pg_query.o: $(PG_QUERY_LIB)
	$(LD) -r --whole-archive $(PG_QUERY_LIB) -o client/pg_query_all.o
	objcopy $(addprefix --keep-global-symbol=,$(PG_QUERY_API)) client/pg_query_all.o $@
	rm -f client/pg_query_all.o

client/pg_migrate: $(CLIENT_OBJS)
	$(CC) $(CFLAGS) $(CLIENT_OBJS) $(LDFLAGS) -L$(libdir) -lpq \
		-L$(pkglibdir) -lpgcommon -lpgport -lcrypto -lm -o $@

# libFuzzer harnesses (clang; not part of "all"): "make fuzz", run by
# scripts/fuzz.  They link the client's code with sanitizers.
FUZZ_CC ?= clang-14
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_TARGETS = fuzz/fuzz_file_header fuzz/fuzz_graph fuzz/fuzz_target fuzz/fuzz_lint
EXTRA_CLEAN += $(FUZZ_TARGETS)
.PHONY: fuzz
fuzz: $(FUZZ_TARGETS)

# The core's harnesses compile src/core as frontend code, with palloc and
# friends wrapped into a per-input arena (fuzz/fuzz_core.h).
FUZZ_CORE_SRCS = src/core/graph.c src/core/target.c src/core/plan.c \
	src/core/script.c src/core/text.c src/core/ids.c
FUZZ_WRAP = $(addprefix -Wl$(COMMA)--wrap=,palloc palloc0 palloc_extended repalloc pfree pstrdup pnstrdup)
COMMA := ,
fuzz/fuzz_graph fuzz/fuzz_target: fuzz/%: fuzz/%.c fuzz/fuzz_core.h $(FUZZ_CORE_SRCS) \
		src/core/pgm_core.h src/core/core_int.h
	$(FUZZ_CC) $(FUZZ_FLAGS) -Wall -Werror -Wno-ignored-attributes -DFRONTEND -I$(srcdir)/src/core -I$(includedir_server) \
		$< $(FUZZ_CORE_SRCS) $(FUZZ_WRAP) -L$(pkglibdir) -lpgcommon -lpgport -lcrypto -o $@

fuzz/fuzz_file_header: fuzz/fuzz_file_header.c client/files.c client/util.c client/pgm.h \
		src/core/pgm_core.h client/core_ids.o
	$(FUZZ_CC) $(FUZZ_FLAGS) -Wno-ignored-attributes -DFRONTEND -I$(srcdir)/client \
		-I$(srcdir)/src/core -I$(includedir) -I$(includedir_server) -I$(includedir)/internal \
		fuzz/fuzz_file_header.c client/files.c client/util.c client/core_ids.o \
		-L$(libdir) -lpq -L$(pkglibdir) -lpgcommon -lpgport -lcrypto -o $@

# the client's linter: libpg_query (linked as the client links it, no
# sanitizer inside it), the client's readers and the core's rules
fuzz/fuzz_lint: fuzz/fuzz_lint.c fuzz/fuzz_core.h client/lint_extract.c client/classify.c \
		client/util.c client/pgm.h client/pgq.h $(FUZZ_CORE_SRCS) src/core/lint.c \
		src/core/pgm_core.h src/core/pgm_lint.h client/pg_query.o
	$(FUZZ_CC) $(FUZZ_FLAGS) -Wall -Werror -Wno-ignored-attributes -Wno-unused-function -DFRONTEND -I$(srcdir)/client \
		-I$(srcdir)/src/core -I$(includedir) -I$(includedir_server) -I$(includedir)/internal \
		fuzz/fuzz_lint.c client/lint_extract.c client/classify.c client/util.c \
		$(FUZZ_CORE_SRCS) src/core/lint.c client/pg_query.o $(FUZZ_WRAP) \
		-L$(libdir) -lpq -L$(pkglibdir) -lpgcommon -lpgport -lcrypto -lm -o $@

install: install-client
install-client: client/pg_migrate
	$(MKDIR_P) '$(DESTDIR)$(bindir)'
	$(INSTALL_PROGRAM) client/pg_migrate '$(DESTDIR)$(bindir)/pg_migrate'

uninstall: uninstall-client
uninstall-client:
	rm -f '$(DESTDIR)$(bindir)/pg_migrate'

# PGXN distribution: "make dist" writes $(DISTNAME)-$(DISTVERSION).zip from
# the committed HEAD (git archive), named by the top-level "name" and
# "version" of META.json (its keys indented by three spaces; sed reads them,
# test/t/025_pgxn_meta.pl checks the result).  It refuses a tree with
# uncommitted changes, the zip itself aside.
PGXN_META = META.json
DISTNAME = $(shell sed -n 's/^   "name": *"\([^"]*\)".*/\1/p' $(PGXN_META))
DISTVERSION = $(shell sed -n 's/^   "version": *"\([^"]*\)".*/\1/p' $(PGXN_META))
.PHONY: dist
dist:
	@if [ -z "$(DISTNAME)" ] || [ -z "$(DISTVERSION)" ]; then \
		echo "make dist: no top-level \"name\" and \"version\" found in $(PGXN_META)" >&2; exit 1; \
	fi
	@st=$$(git status --porcelain -- . ':(exclude)$(DISTNAME)-$(DISTVERSION).zip') || { \
		echo "make dist: git status failed: not a git work tree?" >&2; exit 1; }; \
	if [ -n "$$st" ]; then \
		echo "make dist: refusing: the tree has uncommitted changes (git status --porcelain):" >&2; \
		echo "$$st" >&2; \
		echo "make dist: commit or stash them first; the zip is made from HEAD" >&2; \
		exit 1; \
	fi
	git archive --format zip --prefix=$(DISTNAME)-$(DISTVERSION)/ -o $(DISTNAME)-$(DISTVERSION).zip HEAD
	@echo "make dist: wrote $(DISTNAME)-$(DISTVERSION).zip"
