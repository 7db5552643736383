/*-------------------------------------------------------------------------
 *
 * snapshot.c
 *	  Schema snapshots: a canonical description of the objects in a
 *	  project's scope, their fingerprints, and the differences between two.
 *
 * A snapshot is one jsonb document: {"format": 1, kind: {object: fields}}
 * for every kind below, where object is the object's name, quoted as SQL
 * would quote it and qualified by its schema (and table, for columns,
 * constraints, triggers, rules and policies).  It holds only what a
 * migration defines and pg_dump restores: names, definitions as
 * PostgreSQL's own pg_get_*def() functions print them (with search_path
 * set to pg_catalog, so every name is qualified), column positions
 * counted over the columns that exist, never OIDs, owners, privileges,
 * statistics or sequence values.  jsonb sorts object keys, so the text
 * of a snapshot, and its SHA-256 (the fingerprint), depend on the schema
 * alone.
 *
 * The scope is migrate.projects.schema_scope, or when that is NULL every
 * schema but the system's, migrate and those an extension created.
 * Objects that belong to an extension are left out, and so are indexes
 * that implement a constraint (the constraint describes them) and
 * sequences of identity columns (the column does).  Objects of kinds the
 * snapshot does not describe (foreign tables, aggregates, operators, event
 * triggers, ...) are listed under "other" by their identity, so that they
 * are never silently ignored; database-wide ones (event triggers, foreign
 * servers, publications, casts) are in every project's snapshot.  The
 * extensions of the test tooling (pgtap, pg_migrate_tap) and pg_migrate
 * itself are not the application's schema and are left out.
 *
 * IDENTIFICATION
 *	  src/snapshot.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

#include "snapshot.h"

/* the comment on an object, from pg_description's index */
#define DESCRIPTION(obj, catalog, sub) \
	"(SELECT ds.description FROM pg_catalog.pg_description ds " \
	"WHERE ds.objoid = " obj " AND ds.classoid = 'pg_catalog." catalog "'::pg_catalog.regclass " \
	"AND ds.objsubid = " sub ")"

/*
 * The snapshot of project $1's scope, and its fingerprint.  The document
 * is built as json text (much cheaper to assemble than jsonb) and parsed
 * into jsonb once; fields that are NULL (no comment, no default, ...) are
 * left out by the one json_strip_nulls() over the whole of it.  One query,
 * so that every part of it sees the same catalog snapshot.
 */
/* the schemas of project $1's scope (see the file header), as "ns" */
#define SCOPE_CTES \
"WITH scope AS (\n" \
"	SELECT (SELECT p.schema_scope FROM migrate.projects p WHERE p.project = $1) AS schemas\n" \
"),\n" \
"ns AS (\n" \
"	SELECT n.oid, n.nspname\n" \
"	  FROM pg_catalog.pg_namespace n, scope\n" \
"	 WHERE CASE WHEN scope.schemas IS NULL\n" \
"			THEN n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'\n" \
"				 AND n.nspname <> 'migrate'\n" \
"				 AND NOT (n.nspname <> 'public' AND EXISTS (SELECT FROM pg_catalog.pg_extension e\n" \
"						  WHERE e.extnamespace = n.oid AND e.extname IN ('pgtap', 'pg_migrate_tap')))\n" \
"				 AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d\n" \
"								  WHERE d.classid = 'pg_catalog.pg_namespace'::pg_catalog.regclass\n" \
"									AND d.objid = n.oid AND d.deptype = 'e')\n" \
"			ELSE n.nspname = ANY (scope.schemas) END\n" \
")\n"

static const char *const snapshot_sql =
SCOPE_CTES
",\n"
"member AS (\n"
"	SELECT d.classid, d.objid FROM pg_catalog.pg_depend d WHERE d.deptype = 'e'\n"
"),\n"
"rel AS (\n"
"	SELECT c.oid, c.relkind, c.relpersistence, c.relispartition, c.relpartbound,\n"
"		   c.relrowsecurity, c.relforcerowsecurity, c.reloptions, c.relreplident, n.nspname,\n"
"		   pg_catalog.format('%I.%I', n.nspname, c.relname) AS ident,\n"
"		   NOT c.relispartition AND EXISTS (SELECT FROM pg_catalog.pg_inherits i\n"
"											 WHERE i.inhrelid = c.oid) AS inherits\n"
"	  FROM pg_catalog.pg_class c JOIN ns n ON n.oid = c.relnamespace\n"
"	 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S')\n"
"	   AND NOT EXISTS (SELECT FROM member m\n"
"						WHERE m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass\n"
"						  AND m.objid = c.oid)\n"
"),\n"
"proc AS (\n"
"	SELECT p.oid, p.prokind, n.nspname,\n"
"		   pg_catalog.format('%I.%I(%s)', n.nspname, p.proname,\n"
"							 pg_catalog.pg_get_function_identity_arguments(p.oid)) AS ident\n"
"	  FROM pg_catalog.pg_proc p JOIN ns n ON n.oid = p.pronamespace\n"
"	 WHERE NOT EXISTS (SELECT FROM member m\n"
"						WHERE m.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass\n"
"						  AND m.objid = p.oid)\n"
"),\n"
"viewdef AS (\n"
"	SELECT r.ident, r.relkind,\n"
"		   pg_catalog.json_build_object(\n"
"				'definition', pg_catalog.pg_get_viewdef(r.oid),\n"
"				'options', pg_catalog.to_json(r.reloptions),\n"
"				'comment', " DESCRIPTION("r.oid", "pg_class", "0") ") AS fields\n"
"	  FROM rel r WHERE r.relkind IN ('v', 'm')\n"
"),\n"
"routine AS (\n"
"	SELECT p.ident, p.prokind,\n"
"		   pg_catalog.json_build_object(\n"
"				'language', l.lanname,\n"
"				'definition', pg_catalog.pg_get_functiondef(p.oid),\n"
"				'comment', " DESCRIPTION("p.oid", "pg_proc", "0") ") AS fields\n"
"	  FROM proc p\n"
"	  JOIN pg_catalog.pg_proc pp ON pp.oid = p.oid\n"
"	  JOIN pg_catalog.pg_language l ON l.oid = pp.prolang\n"
"	 WHERE p.prokind IN ('f', 'w', 'p')\n"
"),\n"
"typ AS (\n"
"	SELECT t.oid, t.typtype, t.typrelid, t.typbasetype, t.typtypmod, t.typnotnull,\n"
"		   t.typdefault, t.typcollation, n.nspname,\n"
"		   pg_catalog.format('%I.%I', n.nspname, t.typname) AS ident\n"
"	  FROM pg_catalog.pg_type t JOIN ns n ON n.oid = t.typnamespace\n"
"	 WHERE NOT EXISTS (SELECT FROM member m\n"
"						WHERE m.classid = 'pg_catalog.pg_type'::pg_catalog.regclass\n"
"						  AND m.objid = t.oid)\n"
"	   AND NOT EXISTS (SELECT FROM pg_catalog.pg_type e WHERE e.typarray = t.oid)\n"
"	   AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_catalog.pg_class c\n"
"								 WHERE c.oid = t.typrelid) = 'c')\n"
"	   AND t.typtype <> 'm'\n"
"),\n"
"other AS (\n"
"	SELECT 'pg_catalog.pg_class'::pg_catalog.regclass AS classid, c.oid AS objid\n"
"	  FROM pg_catalog.pg_class c JOIN ns n ON n.oid = c.relnamespace\n"
"	 WHERE c.relkind = 'f'\n"
"	UNION ALL\n"
"	SELECT 'pg_catalog.pg_proc'::pg_catalog.regclass, p.oid FROM proc p WHERE p.prokind = 'a'\n"
"	UNION ALL\n"
"	SELECT 'pg_catalog.pg_type'::pg_catalog.regclass, t.oid FROM typ t WHERE t.typtype IN ('b', 'r')\n"
"	UNION ALL\n"
"	SELECT 'pg_catalog.pg_operator'::pg_catalog.regclass, o.oid\n"
"	  FROM pg_catalog.pg_operator o JOIN ns n ON n.oid = o.oprnamespace\n"
"	UNION ALL\n"
"	SELECT 'pg_catalog.pg_opfamily'::pg_catalog.regclass, o.oid\n"
"	  FROM pg_catalog.pg_opfamily o JOIN ns n ON n.oid = o.opfnamespace\n"
"	UNION ALL\n"
"	SELECT 'pg_catalog.pg_opclass'::pg_catalog.regclass, o.oid\n"
"	  FROM pg_catalog.pg_opclass o JOIN ns n ON n.oid = o.opcnamespace\n"
"	UNION ALL\n"
"	SELECT 'pg_catalog.pg_collation'::pg_catalog.regclass, o.oid\n"
"	  FROM pg_catalog.pg_collation o JOIN ns n ON n.oid = o.collnamespace\n"
"	UNION ALL\n"
"	SELECT 'pg_catalog.pg_conversion'::pg_catalog.regclass, o.oid\n"
"	  FROM pg_catalog.pg_conversion o JOIN ns n ON n.oid = o.connamespace\n"
"	UNION ALL\n"
"	SELECT 'pg_catalog.pg_statistic_ext'::pg_catalog.regclass, o.oid\n"
"	  FROM pg_catalog.pg_statistic_ext o JOIN ns n ON n.oid = o.stxnamespace\n"
"	UNION ALL\n"
"	SELECT 'pg_catalog.pg_ts_config'::pg_catalog.regclass, o.oid\n"
"	  FROM pg_catalog.pg_ts_config o JOIN ns n ON n.oid = o.cfgnamespace\n"
"	UNION ALL\n"
"	SELECT 'pg_catalog.pg_ts_dict'::pg_catalog.regclass, o.oid\n"
"	  FROM pg_catalog.pg_ts_dict o JOIN ns n ON n.oid = o.dictnamespace\n"
"	UNION ALL\n"
"	SELECT 'pg_catalog.pg_ts_parser'::pg_catalog.regclass, o.oid\n"
"	  FROM pg_catalog.pg_ts_parser o JOIN ns n ON n.oid = o.prsnamespace\n"
"	UNION ALL\n"
"	SELECT 'pg_catalog.pg_ts_template'::pg_catalog.regclass, o.oid\n"
"	  FROM pg_catalog.pg_ts_template o JOIN ns n ON n.oid = o.tmplnamespace\n"
"	UNION ALL\n"
"	SELECT 'pg_catalog.pg_event_trigger'::pg_catalog.regclass, o.oid\n"
"	  FROM pg_catalog.pg_event_trigger o\n"
"	UNION ALL\n"
"	SELECT 'pg_catalog.pg_foreign_data_wrapper'::pg_catalog.regclass, o.oid\n"
"	  FROM pg_catalog.pg_foreign_data_wrapper o\n"
"	UNION ALL\n"
"	SELECT 'pg_catalog.pg_foreign_server'::pg_catalog.regclass, o.oid\n"
"	  FROM pg_catalog.pg_foreign_server o\n"
"	UNION ALL\n"
"	SELECT 'pg_catalog.pg_publication'::pg_catalog.regclass, o.oid\n"
"	  FROM pg_catalog.pg_publication o\n"
"	UNION ALL\n"
"	SELECT 'pg_catalog.pg_cast'::pg_catalog.regclass, o.oid\n"
"	  FROM pg_catalog.pg_cast o WHERE o.oid >= 16384\n"
")\n"
"SELECT s, 'sha256:' OPERATOR(pg_catalog.||) pg_catalog.encode(pg_catalog.sha256(pg_catalog.textsend(s::pg_catalog.text)), 'hex')\n"
"  FROM (SELECT '{\"schema\": {}, \"table\": {}, \"column\": {}, \"constraint\": {}, \"index\": {}, \"sequence\": {}, \"view\": {}, \"materialized_view\": {}, \"function\": {}, \"procedure\": {}, \"trigger\": {}, \"rule\": {}, \"enum\": {}, \"domain\": {}, \"composite\": {}, \"extension\": {}, \"policy\": {}, \"other\": {}}'::pg_catalog.jsonb OPERATOR(pg_catalog.||)\n"
"		pg_catalog.json_strip_nulls(pg_catalog.json_build_object(\n"
"	'format', 1,\n"
"	'schema', (SELECT pg_catalog.json_object_agg(pg_catalog.quote_ident(n.nspname),\n"
"			pg_catalog.json_build_object(\n"
"				'comment', " DESCRIPTION("n.oid", "pg_namespace", "0") "))\n"
"		FROM ns n),\n"
"	'table', (SELECT pg_catalog.json_object_agg(r.ident, pg_catalog.json_build_object(\n"
"				'partitioned', r.relkind = 'p',\n"
"				'persistence', CASE r.relpersistence WHEN 'u' THEN 'unlogged' ELSE 'permanent' END,\n"
"				'partition_key', CASE WHEN r.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(r.oid) END,\n"
"				'partition_bound', CASE WHEN r.relispartition THEN pg_catalog.pg_get_expr(r.relpartbound, r.oid) END,\n"
"				'parents', (SELECT pg_catalog.json_agg(pg_catalog.format('%I.%I', pn.nspname, pc.relname) ORDER BY i.inhseqno)\n"
"							  FROM pg_catalog.pg_inherits i\n"
"							  JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent\n"
"							  JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace\n"
"							 WHERE i.inhrelid = r.oid),\n"
"				'row_security', r.relrowsecurity,\n"
"				'force_row_security', r.relforcerowsecurity,\n"
"				'replica_identity', CASE r.relreplident WHEN 'n' THEN 'nothing' WHEN 'f' THEN 'full'\n"
"									 WHEN 'i' THEN 'index' END,\n"
"				'options', pg_catalog.to_json(r.reloptions),\n"
"				'comment', " DESCRIPTION("r.oid", "pg_class", "0") "))\n"
"		FROM rel r WHERE r.relkind IN ('r', 'p')),\n"
"	'column', (SELECT pg_catalog.json_object_agg(pg_catalog.format('%s.%I', a.ident, a.attname),\n"
"			pg_catalog.json_build_object(\n"
"				'position', a.position,\n"
"				'type', pg_catalog.format_type(a.atttypid, a.atttypmod),\n"
"				'collation', CASE WHEN a.attcollation <> t.typcollation THEN\n"
"					(SELECT pg_catalog.format('%I.%I', cn.nspname, co.collname)\n"
"					   FROM pg_catalog.pg_collation co\n"
"					   JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace\n"
"					  WHERE co.oid = a.attcollation) END,\n"
"				'default', CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END,\n"
"				'generated', CASE WHEN a.attgenerated <> '' THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END,\n"
"				'not_null', a.attnotnull,\n"
"				'identity', CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END,\n"
"				'identity_sequence', (SELECT pg_catalog.json_build_object('type', pg_catalog.format_type(s.seqtypid, NULL),\n"
"										 'start', s.seqstart, 'increment', s.seqincrement, 'min', s.seqmin,\n"
"										 'max', s.seqmax, 'cache', s.seqcache, 'cycle', s.seqcycle)\n"
"									FROM pg_catalog.pg_depend d\n"
"									JOIN pg_catalog.pg_sequence s ON s.seqrelid = d.objid\n"
"								   WHERE a.attidentity <> '' AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass\n"
"									 AND d.refobjid = a.oid AND d.refobjsubid = a.attnum\n"
"									 AND d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass\n"
"									 AND d.deptype = 'i'),\n"
"				'storage', CASE WHEN a.attstorage <> t.typstorage THEN\n"
"					CASE a.attstorage WHEN 'p' THEN 'plain' WHEN 'e' THEN 'external'\n"
"						 WHEN 'm' THEN 'main' ELSE 'extended' END END,\n"
"				'options', CASE WHEN a.attoptions IS NOT NULL THEN\n"
"					(SELECT pg_catalog.json_agg(o ORDER BY o COLLATE \"C\")\n"
"					   FROM pg_catalog.unnest(a.attoptions) AS o\n"
"					  WHERE o OPERATOR(pg_catalog.~) '^n_distinct(_inherited)?=') END,\n"
"				'comment', " DESCRIPTION("a.oid", "pg_class", "a.attnum") "))\n"
"		FROM (SELECT r.oid, r.ident, a.attname, a.attnum, a.atttypid, a.atttypmod,\n"
"					 a.attcollation, a.attnotnull, a.attidentity, a.attgenerated, a.attstorage, a.attoptions,\n"
"					 pg_catalog.row_number() OVER (PARTITION BY a.attrelid\n"
"						ORDER BY r.inherits AND a.attislocal, a.attnum) AS position\n"
"				FROM rel r JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid\n"
"			   WHERE r.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped) a\n"
"		JOIN pg_catalog.pg_type t ON t.oid = a.atttypid\n"
"		LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.oid AND ad.adnum = a.attnum),\n"
"	'constraint', (SELECT pg_catalog.json_object_agg(pg_catalog.format('%s.%I', r.ident, co.conname),\n"
"			pg_catalog.json_build_object(\n"
"				'definition', pg_catalog.pg_get_constraintdef(co.oid),\n"
"				'validated', co.convalidated,\n"
"				'comment', " DESCRIPTION("co.oid", "pg_constraint", "0") "))\n"
"		FROM rel r JOIN pg_catalog.pg_constraint co ON co.conrelid = r.oid),\n"
"	'index', (SELECT pg_catalog.json_object_agg(pg_catalog.format('%I.%I', r.nspname, ic.relname),\n"
"			pg_catalog.json_build_object(\n"
"				'table', r.ident,\n"
"				'definition', pg_catalog.pg_get_indexdef(i.indexrelid),\n"
"				'valid', i.indisvalid,\n"
"				'comment', " DESCRIPTION("i.indexrelid", "pg_class", "0") "))\n"
"		FROM rel r\n"
"		JOIN pg_catalog.pg_index i ON i.indrelid = r.oid\n"
"		JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid\n"
"	   WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_constraint co\n"
"						  WHERE co.conindid = i.indexrelid AND co.conrelid = i.indrelid\n"
"							AND co.contype IN ('p', 'u', 'x'))),\n"
"	'sequence', (SELECT pg_catalog.json_object_agg(r.ident,\n"
"			pg_catalog.json_build_object(\n"
"				'type', pg_catalog.format_type(s.seqtypid, NULL),\n"
"				'start', s.seqstart, 'increment', s.seqincrement,\n"
"				'min', s.seqmin, 'max', s.seqmax, 'cache', s.seqcache, 'cycle', s.seqcycle,\n"
"				'persistence', CASE r.relpersistence WHEN 'u' THEN 'unlogged' ELSE 'permanent' END,\n"
"				'owned_by', (SELECT pg_catalog.format('%I.%I.%I', on_.nspname, oc.relname, oa.attname)\n"
"							   FROM pg_catalog.pg_depend d\n"
"							   JOIN pg_catalog.pg_class oc ON oc.oid = d.refobjid\n"
"							   JOIN pg_catalog.pg_namespace on_ ON on_.oid = oc.relnamespace\n"
"							   JOIN pg_catalog.pg_attribute oa ON oa.attrelid = d.refobjid AND oa.attnum = d.refobjsubid\n"
"							  WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass\n"
"								AND d.objid = r.oid AND d.deptype = 'a'\n"
"								AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass),\n"
"				'comment', " DESCRIPTION("r.oid", "pg_class", "0") "))\n"
"		FROM rel r JOIN pg_catalog.pg_sequence s ON s.seqrelid = r.oid\n"
"	   WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_depend d\n"
"						  WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass\n"
"							AND d.objid = r.oid AND d.deptype = 'i')),\n"
"	'view', (SELECT pg_catalog.json_object_agg(v.ident, v.fields)\n"
"		FROM viewdef v WHERE v.relkind = 'v'),\n"
"	'materialized_view', (SELECT pg_catalog.json_object_agg(v.ident, v.fields)\n"
"		FROM viewdef v WHERE v.relkind = 'm'),\n"
"	'function', (SELECT pg_catalog.json_object_agg(r.ident, r.fields)\n"
"		FROM routine r WHERE r.prokind IN ('f', 'w')),\n"
"	'procedure', (SELECT pg_catalog.json_object_agg(r.ident, r.fields)\n"
"		FROM routine r WHERE r.prokind = 'p'),\n"
"	'trigger', (SELECT pg_catalog.json_object_agg(pg_catalog.format('%s.%I', r.ident, tg.tgname),\n"
"			pg_catalog.json_build_object(\n"
"				'definition', pg_catalog.pg_get_triggerdef(tg.oid),\n"
"				'enabled', CASE tg.tgenabled WHEN 'O' THEN 'origin' WHEN 'D' THEN 'disabled'\n"
"							 WHEN 'R' THEN 'replica' WHEN 'A' THEN 'always' END,\n"
"				'comment', " DESCRIPTION("tg.oid", "pg_trigger", "0") "))\n"
"		FROM rel r JOIN pg_catalog.pg_trigger tg ON tg.tgrelid = r.oid\n"
"	   WHERE NOT tg.tgisinternal),\n"
"	'rule', (SELECT pg_catalog.json_object_agg(pg_catalog.format('%s.%I', r.ident, ru.rulename),\n"
"			pg_catalog.json_build_object(\n"
"				'definition', pg_catalog.pg_get_ruledef(ru.oid),\n"
"				'comment', " DESCRIPTION("ru.oid", "pg_rewrite", "0") "))\n"
"		FROM rel r JOIN pg_catalog.pg_rewrite ru ON ru.ev_class = r.oid\n"
"	   WHERE ru.rulename <> '_RETURN'),\n"
"	'enum', (SELECT pg_catalog.json_object_agg(t.ident,\n"
"			pg_catalog.json_build_object(\n"
"				'labels', (SELECT pg_catalog.json_agg(e.enumlabel ORDER BY e.enumsortorder)\n"
"							 FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid),\n"
"				'comment', " DESCRIPTION("t.oid", "pg_type", "0") "))\n"
"		FROM typ t WHERE t.typtype = 'e'),\n"
"	'domain', (SELECT pg_catalog.json_object_agg(t.ident,\n"
"			pg_catalog.json_build_object(\n"
"				'type', pg_catalog.format_type(t.typbasetype, t.typtypmod),\n"
"				'not_null', t.typnotnull,\n"
"				'default', t.typdefault,\n"
"				'constraints', (SELECT pg_catalog.json_object_agg(co.conname, pg_catalog.pg_get_constraintdef(co.oid))\n"
"								  FROM pg_catalog.pg_constraint co WHERE co.contypid = t.oid),\n"
"				'comment', " DESCRIPTION("t.oid", "pg_type", "0") "))\n"
"		FROM typ t WHERE t.typtype = 'd'),\n"
"	'composite', (SELECT pg_catalog.json_object_agg(t.ident,\n"
"			pg_catalog.json_build_object(\n"
"				'attributes', (SELECT pg_catalog.json_agg(pg_catalog.json_build_array(a.attname,\n"
"										pg_catalog.format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum)\n"
"								 FROM pg_catalog.pg_attribute a\n"
"								WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped),\n"
"				'comment', " DESCRIPTION("t.oid", "pg_type", "0") "))\n"
"		FROM typ t WHERE t.typtype = 'c'),\n"
"	'extension', (SELECT pg_catalog.json_object_agg(pg_catalog.quote_ident(e.extname),\n"
"			pg_catalog.json_build_object('version', e.extversion,\n"
"										  'schema', pg_catalog.quote_ident(en.nspname)))\n"
"		FROM pg_catalog.pg_extension e\n"
"		JOIN pg_catalog.pg_namespace en ON en.oid = e.extnamespace\n"
"	   WHERE e.extname NOT IN ('pg_migrate', 'pg_migrate_tap', 'pgtap')\n"
"		 AND (e.extnamespace IN (SELECT n.oid FROM ns n)\n"
"			  OR EXISTS (SELECT FROM pg_catalog.pg_depend d\n"
"						  WHERE d.classid = 'pg_catalog.pg_namespace'::pg_catalog.regclass\n"
"							AND d.objid = e.extnamespace AND d.deptype = 'e'\n"
"							AND d.refobjid = e.oid))),\n"
"	'policy', (SELECT pg_catalog.json_object_agg(pg_catalog.format('%s.%I', r.ident, po.polname),\n"
"			pg_catalog.json_build_object(\n"
"				'command', CASE po.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT'\n"
"							 WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,\n"
"				'permissive', po.polpermissive,\n"
"				'roles', (SELECT pg_catalog.json_agg(x.name ORDER BY x.name COLLATE \"C\")\n"
"							FROM (SELECT CASE WHEN u.role = 0 THEN 'public'\n"
"										 ELSE pg_catalog.pg_get_userbyid(u.role)::pg_catalog.text END\n"
"									FROM pg_catalog.unnest(po.polroles) AS u(role)) AS x(name)),\n"
"				'using', pg_catalog.pg_get_expr(po.polqual, po.polrelid),\n"
"				'check', pg_catalog.pg_get_expr(po.polwithcheck, po.polrelid),\n"
"				'comment', " DESCRIPTION("po.oid", "pg_policy", "0") "))\n"
"		FROM rel r JOIN pg_catalog.pg_policy po ON po.polrelid = r.oid),\n"
"	'other', (SELECT pg_catalog.json_object_agg(i.type OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||) i.identity,\n"
"			pg_catalog.json_build_object('type', i.type))\n"
"		FROM other o\n"
"		CROSS JOIN LATERAL pg_catalog.pg_identify_object(o.classid, o.objid, 0) i\n"
"	   WHERE i.identity IS NOT NULL\n"
"		 AND NOT EXISTS (SELECT FROM member m WHERE m.classid = o.classid AND m.objid = o.objid))\n"
"))::pg_catalog.jsonb AS s OFFSET 0) AS snap\n"
;

/*
 * The differences between snapshots $1 (expected) and $2 (actual): one
 * row per object added, removed or changed, in the order of kind and
 * object name (byte order, whatever the database's collation).
 */
#define DIFF_SQL \
	"WITH e AS (SELECT k.key AS kind, o.key AS object, o.value " \
	"             FROM pg_catalog.jsonb_each($1) k, " \
	"                  pg_catalog.jsonb_each(CASE WHEN pg_catalog.jsonb_typeof(k.value) = 'object' " \
	"                                        THEN k.value ELSE '{}' END) o), " \
	"     a AS (SELECT k.key AS kind, o.key AS object, o.value " \
	"             FROM pg_catalog.jsonb_each($2) k, " \
	"                  pg_catalog.jsonb_each(CASE WHEN pg_catalog.jsonb_typeof(k.value) = 'object' " \
	"                                        THEN k.value ELSE '{}' END) o) " \
	"SELECT COALESCE(e.kind, a.kind) AS kind, COALESCE(e.object, a.object) AS object, " \
	"       CASE WHEN e.kind IS NULL THEN 'added' WHEN a.kind IS NULL THEN 'removed' " \
	"            ELSE 'changed' END AS change, " \
	"       e.value AS expected, a.value AS actual " \
	"  FROM e FULL JOIN a ON a.kind = e.kind AND a.object = e.object " \
	" WHERE e.value IS DISTINCT FROM a.value"

static const char *const diff_rows_sql =
"SELECT d.kind, d.object, d.change, d.expected, d.actual FROM (" DIFF_SQL ") d "
" ORDER BY d.kind COLLATE \"C\", d.object COLLATE \"C\"";

/* the same as a jsonb array of objects, each with the phase $3 */
static const char *const diff_json_sql =
"SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('phase', $3::pg_catalog.text, "
"       'kind', d.kind, 'object', d.object, 'change', d.change, "
"       'expected', d.expected, 'actual', d.actual) "
"       ORDER BY d.kind COLLATE \"C\", d.object COLLATE \"C\") "
"  FROM (" DIFF_SQL ") d";

static const char *const diff_count_sql =
"SELECT pg_catalog.count(*) FROM (" DIFF_SQL ") d";

static const char *const record_sql =
"UPDATE migrate.projects SET snapshot = $2, fingerprint = $3, "
"       snapshot_at = pg_catalog.now() WHERE project = $1";

/*
 * The events of this transaction's command carry the fingerprint after
 * it: started_at bounds the search to the command's rows through the
 * (project, started_at) index.
 */
static const char *const events_sql =
"UPDATE migrate.events SET fingerprint = $2 "
" WHERE project = $1 AND started_at >= $3 AND fingerprint IS NULL "
"   AND outcome = 'success' "
"   AND transaction_id = pg_catalog.pg_current_xact_id()";

/* INVALID indexes in project $1's scope, as "index on table" */
static const char *const invalid_indexes_sql =
SCOPE_CTES
"SELECT pg_catalog.format('%I.%I', n.nspname, ic.relname),\n"
"	   pg_catalog.format('%I.%I', tn.nspname, tc.relname)\n"
"  FROM pg_catalog.pg_index i\n"
"  JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid\n"
"  JOIN ns n ON n.oid = ic.relnamespace\n"
"  JOIN pg_catalog.pg_class tc ON tc.oid = i.indrelid\n"
"  JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace\n"
" WHERE NOT i.indisvalid\n"
" ORDER BY 1";

static const char *const scope_sql =
"UPDATE migrate.projects SET schema_scope = $2 WHERE project = $1";

static const char *const stored_fingerprint_sql =
"SELECT fingerprint FROM migrate.projects WHERE project = $1";

static const char *const stored_sql =
"SELECT snapshot, fingerprint FROM migrate.projects WHERE project = $1";

typedef enum SnapshotQuery
{
	SQ_SNAPSHOT,
	SQ_DIFF_ROWS,
	SQ_DIFF_JSON,
	SQ_RECORD,
	SQ_EVENTS,
	SQ_STORED,
	SQ_SCOPE,
	SQ_INVALID_INDEXES,
	SQ_DIFF_COUNT,
	SQ_STORED_FINGERPRINT,
	NUM_SNAPSHOT_QUERIES
} SnapshotQuery;

static const struct
{
	const char *const *sql;
	int			nargs;
	Oid			argtypes[3];
}			queries[NUM_SNAPSHOT_QUERIES] = {
	[SQ_SNAPSHOT] = {&snapshot_sql, 1, {TEXTOID}},
	[SQ_DIFF_ROWS] = {&diff_rows_sql, 2, {JSONBOID, JSONBOID}},
	[SQ_DIFF_JSON] = {&diff_json_sql, 3, {JSONBOID, JSONBOID, TEXTOID}},
	[SQ_RECORD] = {&record_sql, 3, {TEXTOID, JSONBOID, TEXTOID}},
	[SQ_EVENTS] = {&events_sql, 3, {TEXTOID, TEXTOID, TIMESTAMPTZOID}},
	[SQ_STORED] = {&stored_sql, 1, {TEXTOID}},
	[SQ_SCOPE] = {&scope_sql, 2, {TEXTOID, TEXTARRAYOID}},
	[SQ_INVALID_INDEXES] = {&invalid_indexes_sql, 1, {TEXTOID}},
	[SQ_DIFF_COUNT] = {&diff_count_sql, 2, {JSONBOID, JSONBOID}},
	[SQ_STORED_FINGERPRINT] = {&stored_fingerprint_sql, 1, {TEXTOID}},
};

static SPIPlanPtr plans[NUM_SNAPSHOT_QUERIES];

/* pg_migrate.schema_fingerprints and pg_migrate.on_drift */
bool		pgm_schema_fingerprints = true;
int			pgm_on_drift = PGM_ON_DRIFT_WARN;

/* run a query of this file; the caller is connected to SPI */
static void
run(SnapshotQuery q, Datum *values, const char *nulls)
{
	int			ret;

	if (plans[q] == NULL)
	{
		SPIPlanPtr	plan = SPI_prepare(*queries[q].sql, queries[q].nargs,
									   (Oid *) queries[q].argtypes);

		if (plan == NULL)
			elog(ERROR, "SPI_prepare failed for a schema snapshot query: %s",
				 SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "SPI_keepplan failed");
		plans[q] = plan;
	}
	/* not read-only: each query sees what the command has done so far */
	ret = SPI_execute_plan(plans[q], values, nulls, false, 0);
	if (ret < 0)
		elog(ERROR, "SPI_execute_plan failed for a schema snapshot query: %s",
			 SPI_result_code_string(ret));
}

/*
 * Column column of the first result row, copied into cxt as a jsonb
 * (as_jsonb) or as a C string; NULL for no row or a NULL value.
 */
static void *
result_value(int column, bool as_jsonb, MemoryContext cxt)
{
	bool		isnull;
	Datum		d;
	MemoryContext old;
	void	   *result;

	if (SPI_processed == 0)
		return NULL;
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, column,
					  &isnull);
	if (isnull)
		return NULL;
	old = MemoryContextSwitchTo(cxt);
	result = as_jsonb ? (void *) DatumGetJsonbPCopy(d) : (void *) TextDatumGetCString(d);
	MemoryContextSwitchTo(old);
	return result;
}

/*
 * A fingerprint read back from migrate.projects is shown and compared:
 * it must be what this file writes.
 */
static char *
checked_fingerprint(char *fp, const char *project)
{
	if (fp == NULL)
		return NULL;
	if (strlen(fp) != PGM_FINGERPRINT_LEN || strncmp(fp, "sha256:", 7) != 0 ||
		strspn(fp + 7, "0123456789abcdef") != PGM_FINGERPRINT_LEN - 7)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("the recorded schema fingerprint of project \"%s\" is malformed",
						project),
				 errhint("Run migrate.accept_schema() to record the current schema again.")));
	return fp;
}

/* Whether the migrate tables have the columns of fingerprints (0.4.0). */
bool
pgm_fingerprints_enabled(void)
{
	return pgm_have_column("projects", "fingerprint") &&
		pgm_have_column("events", "fingerprint");
}

/*
 * The settings that change how definitions and constants print (dates,
 * intervals, floats, bytea, money, quoting, time zone), pinned for the
 * snapshot as pg_dump pins them, so that a session's DateStyle cannot
 * make a default look changed; and the planner's method switches at
 * their defaults (with JIT off), so that a session that turned off, say,
 * sequential scans for its own queries does not make every command's
 * snapshot of the catalogs slow.  They are set at the GUC nest level of
 * pgm_connect_spi() and go with it at pgm_finish_spi().
 */
static void
pin_output_settings(void)
{
	static const char *const settings[][2] = {
		{"enable_bitmapscan", "on"},
		{"enable_hashagg", "on"},
		{"enable_hashjoin", "on"},
		{"enable_incremental_sort", "on"},
		{"enable_indexonlyscan", "on"},
		{"enable_indexscan", "on"},
		{"enable_material", "on"},
		{"enable_memoize", "on"},
		{"enable_mergejoin", "on"},
		{"enable_nestloop", "on"},
		{"enable_seqscan", "on"},
		{"enable_sort", "on"},
		{"jit", "off"},
		{"DateStyle", "ISO, MDY"},
		{"IntervalStyle", "postgres"},
		{"TimeZone", "UTC"},
		{"extra_float_digits", "3"},
		{"bytea_output", "hex"},
		{"lc_monetary", "C"},
		{"quote_all_identifiers", "off"},
		{"standard_conforming_strings", "on"},
	};
	int			i;

	for (i = 0; i < lengthof(settings); i++)
		(void) set_config_option(settings[i][0], settings[i][1],
								 PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
}

void
pgm_take_snapshot(const char *project, Jsonb **snapshot, char **fingerprint)
{
	MemoryContext cxt = CurrentMemoryContext;
	PgmOwnerScope os;
	Datum		values[1];

	values[0] = CStringGetTextDatum(project);
	pgm_connect_spi(&os);
	pin_output_settings();
	run(SQ_SNAPSHOT, values, NULL);
	*snapshot = (Jsonb *) result_value(1, true, cxt);
	*fingerprint = (char *) result_value(2, false, cxt);
	pgm_finish_spi(&os);
	if (*snapshot == NULL || *fingerprint == NULL)
		elog(ERROR, "the schema snapshot query returned nothing");
}

/*
 * pgm_take_snapshot() in a subtransaction: false, with the error's message
 * in *failure, when it fails (an object too large to describe, one dropped
 * while the snapshot was read, ...).  A cancel request is raised again.
 * The subtransaction is rolled back also when it succeeds (the results
 * are in the caller's memory context): pg_get_viewdef() and
 * pg_get_ruledef() lock every relation a view or rule names, and a lock
 * kept until the command commits would make a DROP INDEX CONCURRENTLY
 * that the command's background worker runs on such a table wait for the
 * command itself.
 */
static bool
try_take_snapshot(const char *project, Jsonb **snapshot, char **fingerprint,
				  char **failure)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	bool		ok = true;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		pgm_take_snapshot(project, snapshot, fingerprint);
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
	}
	PG_CATCH();
	{
		ErrorData  *edata = pgm_abort_subtransaction(cxt, owner, cxt);

		if (edata->sqlerrcode == ERRCODE_QUERY_CANCELED ||
			edata->sqlerrcode == ERRCODE_ADMIN_SHUTDOWN)
			ReThrowError(edata);
		*failure = edata->message;
		ok = false;
	}
	PG_END_TRY();
	return ok;
}

/* store a snapshot (NULL: none) with the project and its events since since */
static void
store_snapshot(const char *project, Jsonb *snapshot, const char *fingerprint,
			   TimestampTz since)
{
	PgmOwnerScope os;
	Datum		values[3];
	char		nulls[3] = {' ', snapshot ? ' ' : 'n', fingerprint ? ' ' : 'n'};

	values[0] = CStringGetTextDatum(project);
	values[1] = snapshot ? JsonbPGetDatum(snapshot) : (Datum) 0;
	values[2] = fingerprint ? CStringGetTextDatum(fingerprint) : (Datum) 0;
	pgm_connect_spi(&os);
	run(SQ_RECORD, values, nulls);
	if (fingerprint)
	{
		values[1] = CStringGetTextDatum(fingerprint);
		values[2] = TimestampTzGetDatum(since);
		run(SQ_EVENTS, values, NULL);
	}
	pgm_finish_spi(&os);
}

/*
 * After a command changed the version state: record the snapshot and its
 * fingerprint with the project, and the fingerprint in the events the
 * command wrote since since.  Returns the fingerprint, or NULL when none
 * was recorded: the tables predate fingerprints (ALTER EXTENSION
 * pg_migrate UPDATE not run), pg_migrate.schema_fingerprints is off, or
 * the snapshot failed.  Then the recorded snapshot is cleared, so that
 * drift() does not compare with a schema from before the command; a
 * failure is a WARNING, never the command's failure.
 */
char *
pgm_record_fingerprint(const char *project, TimestampTz since)
{
	Jsonb	   *snapshot;
	char	   *fingerprint;
	char	   *failure;

	if (!pgm_fingerprints_enabled())
		return NULL;
	if (!pgm_schema_fingerprints)
	{
		store_snapshot(project, NULL, NULL, since);
		return NULL;
	}
	if (!try_take_snapshot(project, &snapshot, &fingerprint, &failure))
	{
		ereport(WARNING,
				(errcode(ERRCODE_WARNING),
				 errmsg("could not record the schema snapshot of project \"%s\": %s",
						project, failure),
				 errdetail("The command itself succeeded; no snapshot is recorded for the project until one is."),
				 errhint("Remove the cause, then record the schema with SELECT migrate.accept_schema(%s).",
						 quote_literal_cstr(project))));
		store_snapshot(project, NULL, NULL, since);
		return NULL;
	}
	store_snapshot(project, snapshot, fingerprint, since);
	return fingerprint;
}

/*
 * accept_schema() and set_scope(): record the live schema on request.
 * Errors are the caller's errors here.
 */
char *
pgm_accept_schema(const char *project, TimestampTz since)
{
	Jsonb	   *snapshot;
	char	   *fingerprint;

	if (!pgm_fingerprints_enabled())
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the pg_migrate tables have no place for schema snapshots"),
				 errhint("Run ALTER EXTENSION pg_migrate UPDATE.")));
	pgm_take_snapshot(project, &snapshot, &fingerprint);
	store_snapshot(project, snapshot, fingerprint, since);
	return fingerprint;
}

/*
 * Before a command changes anything: whether the live schema is still the
 * one recorded after the last command.  If not, by pg_migrate.on_drift: a
 * WARNING (the differences become part of the schema recorded after the
 * command, and the log keeps the warning), an ERROR before anything runs,
 * or nothing.  Without a recorded snapshot there is nothing to compare.
 */
void
pgm_check_drift_before(const char *project, const char *command)
{
	Jsonb	   *stored;
	char	   *recorded;
	Jsonb	   *live;
	char	   *fingerprint;
	char	   *failure;
	PgmOwnerScope os;
	Datum		values[2];
	int64		ndiff;
	bool		isnull;

	/* the fingerprints first: the recorded snapshot is read only if they differ */
	if (pgm_on_drift == PGM_ON_DRIFT_IGNORE || !pgm_schema_fingerprints ||
		(recorded = pgm_stored_fingerprint(project)) == NULL ||
		!try_take_snapshot(project, &live, &fingerprint, &failure) ||
		strcmp(recorded, fingerprint) == 0 ||
		!pgm_stored_snapshot(project, &stored, &recorded))
		return;

	values[0] = JsonbPGetDatum(stored);
	values[1] = JsonbPGetDatum(live);
	pgm_connect_spi(&os);
	run(SQ_DIFF_COUNT, values, NULL);
	ndiff = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
										SPI_tuptable->tupdesc, 1, &isnull));
	pgm_finish_spi(&os);
	ereport(pgm_on_drift == PGM_ON_DRIFT_ERROR ? ERROR : WARNING,
			(errcode(pgm_on_drift == PGM_ON_DRIFT_ERROR ?
					 ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE : ERRCODE_WARNING),
			 errmsg("the schema of project \"%s\" has drifted since the last command",
					project),
			 pgm_on_drift == PGM_ON_DRIFT_ERROR ?
			 errdetail_plural("%lld object differs from the recorded schema. Nothing was run.",
							  "%lld objects differ from the recorded schema. Nothing was run.",
							  (unsigned long) ndiff, (long long) ndiff) :
			 errdetail_plural("%lld object differs from the recorded schema; %s takes it into the schema it records.",
							  "%lld objects differ from the recorded schema; %s takes them into the schema it records.",
							  (unsigned long) ndiff, (long long) ndiff, command),
			 errhint("See them with SELECT * FROM migrate.drift(%s), then undo them or accept them with migrate.accept_schema(); pg_migrate.on_drift chooses between warn, error and ignore.",
					 quote_literal_cstr(project))));
}

/*
 * The fingerprint recorded with a project, or NULL when none is: what
 * status_json() and the drift check compare before anything else.
 */
char *
pgm_stored_fingerprint(const char *project)
{
	MemoryContext cxt = CurrentMemoryContext;
	PgmOwnerScope os;
	Datum		values[1];
	char	   *fingerprint;

	if (!pgm_fingerprints_enabled())
		return NULL;
	values[0] = CStringGetTextDatum(project);
	pgm_connect_spi(&os);
	run(SQ_STORED_FINGERPRINT, values, NULL);
	fingerprint = (char *) result_value(1, false, cxt);
	pgm_finish_spi(&os);
	return checked_fingerprint(fingerprint, project);
}

/*
 * The snapshot and fingerprint recorded with a project; false when none
 * is (no command has run since fingerprints exist).
 */
bool
pgm_stored_snapshot(const char *project, Jsonb **snapshot, char **fingerprint)
{
	MemoryContext cxt = CurrentMemoryContext;
	PgmOwnerScope os;
	Datum		values[1];

	*snapshot = NULL;
	*fingerprint = NULL;
	if (!pgm_fingerprints_enabled())
		return false;
	values[0] = CStringGetTextDatum(project);
	pgm_connect_spi(&os);
	run(SQ_STORED, values, NULL);
	*snapshot = (Jsonb *) result_value(1, true, cxt);
	*fingerprint = (char *) result_value(2, false, cxt);
	pgm_finish_spi(&os);
	*fingerprint = checked_fingerprint(*fingerprint, project);
	if (*snapshot != NULL && (*fingerprint == NULL ||
							  !JB_ROOT_IS_OBJECT(*snapshot)))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("the recorded schema snapshot of project \"%s\" is malformed",
						project),
				 errhint("Run migrate.accept_schema() to record the current schema again.")));
	return *snapshot != NULL;
}

/* Store a project's scope: NULL for the default. */
void
pgm_store_scope(const char *project, ArrayType *schemas)
{
	PgmOwnerScope os;
	Datum		values[2];
	char		nulls[2] = {' ', schemas == NULL ? 'n' : ' '};

	values[0] = CStringGetTextDatum(project);
	values[1] = schemas ? PointerGetDatum(schemas) : (Datum) 0;
	pgm_connect_spi(&os);
	run(SQ_SCOPE, values, nulls);
	pgm_finish_spi(&os);
}

/*
 * The differences between two snapshots as rows (kind, object, change,
 * expected, actual) of a materialized set-returning function.
 */
void
pgm_put_differences(ReturnSetInfo *rsinfo, Jsonb *expected, Jsonb *actual)
{
	MemoryContext cxt = CurrentMemoryContext;
	PgmOwnerScope os;
	Datum		values[2];
	uint64		i;

	values[0] = JsonbPGetDatum(expected);
	values[1] = JsonbPGetDatum(actual);
	pgm_connect_spi(&os);
	run(SQ_DIFF_ROWS, values, NULL);
	for (i = 0; i < SPI_processed; i++)
	{
		Datum		row[5];
		bool		nulls[5];
		MemoryContext old = MemoryContextSwitchTo(cxt);
		int			c;

		for (c = 0; c < 5; c++)
			row[c] = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc,
								   c + 1, &nulls[c]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, row, nulls);
		MemoryContextSwitchTo(old);
	}
	pgm_finish_spi(&os);
}

/*
 * The differences between two snapshots as a jsonb array of objects
 * (phase, kind, object, change, expected, actual), or NULL when there is
 * none.
 */
Jsonb *
pgm_differences_json(Jsonb *expected, Jsonb *actual, const char *phase)
{
	MemoryContext cxt = CurrentMemoryContext;
	PgmOwnerScope os;
	Datum		values[3];
	Jsonb	   *result;

	values[0] = JsonbPGetDatum(expected);
	values[1] = JsonbPGetDatum(actual);
	values[2] = CStringGetTextDatum(phase);
	pgm_connect_spi(&os);
	run(SQ_DIFF_JSON, values, NULL);
	result = (Jsonb *) result_value(1, true, cxt);
	pgm_finish_spi(&os);
	return result;
}

/* Whether two snapshots describe the same schema. */
bool
pgm_snapshots_equal(Jsonb *a, Jsonb *b)
{
	return compareJsonbContainers(&a->root, &b->root) == 0;
}

/*
 * The INVALID indexes in a project's scope (left by failed or interrupted
 * concurrent builds), as pairs of qualified names: index, table.
 */
List *
pgm_invalid_indexes(const char *project)
{
	MemoryContext cxt = CurrentMemoryContext;
	PgmOwnerScope os;
	Datum		values[1];
	List	   *result = NIL;
	uint64		i;

	values[0] = CStringGetTextDatum(project);
	pgm_connect_spi(&os);
	run(SQ_INVALID_INDEXES, values, NULL);
	for (i = 0; i < SPI_processed; i++)
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);

		result = lappend(result, pgm_copy_text(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1));
		result = lappend(result, pgm_copy_text(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2));
		MemoryContextSwitchTo(old);
	}
	pgm_finish_spi(&os);
	return result;
}
