# pg_migrate/Makefile

MODULE_big = pg_migrate
OBJS = \
	$(WIN32RES) \
	src/catalog.o \
	src/commands.o \
	src/execute.o \
	src/graph.o \
	src/lock.o \
	src/parse.o \
	src/pg_migrate.o \
	src/plan.o \
	src/status.o \
	src/target.o \
	src/worker.o

EXTENSION = pg_migrate
DATA = pg_migrate--0.1.0.sql pg_migrate--0.1.0--0.2.0.sql
PGFILEDESC = "pg_migrate - schema migrations managed inside the database"

REGRESS = setup apply extension_update nontransactional graph targets upgrade downgrade stamp relative history \
	status script errors badinput security
REGRESS_OPTS = --inputdir=. --outputdir=. --load-extension=pg_migrate

ISOLATION = concurrent_upgrade upgrade_rr upgrade_downgrade register_during_upgrade \
	status_during_upgrade lock_timeout apply_race fast_path
ISOLATION_OPTS = --inputdir=test/isolation --outputdir=test/isolation/output_iso \
	--load-extension=pg_migrate

PG_CPPFLAGS = -I$(srcdir)/src

EXTRA_CLEAN = test/isolation/output_iso

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)
