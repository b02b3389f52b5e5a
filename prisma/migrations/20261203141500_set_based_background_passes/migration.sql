-- Set-based background passes (docs/database.md "Set-based writes", docs/liveness.md "The change
-- feed"), hand-written; runs on PostgreSQL 15 and PGlite.

-- (1) Room on every RuntimeEndpoint page for a new version of its rows. The sweep and the probe
-- results change only columns no index covers (status, counters, lastCheckedAt, lastHealthyAt,
-- updatedAt); with free space on the page PostgreSQL updates them in place (HOT): no new entry in
-- any of the table's six indexes. At fillfactor 100 (a table loaded full) every such update moved
-- the row to another page and wrote six index entries. Pages written from now on keep half free;
-- pages already full get there as their rows are updated and pruned (or at a VACUUM FULL).
ALTER TABLE "RuntimeEndpoint" SET (fillfactor = 50);

-- (2) The change feed's triggers, per statement instead of per row. The guarantee is the same as
-- the per-row trigger of migration `…_probing_and_change_feed` gave: the writing transaction has
-- its transaction id before any of its audit rows draws a `seq`. PostgreSQL fires BEFORE STATEMENT
-- triggers on the first call of the INSERT's ModifyTable node, before it pulls the first row from
-- its subplan, and the column defaults (`seq`'s nextval) are evaluated in that subplan: for
-- VALUES, INSERT … SELECT, an INSERT inside a data-modifying CTE (even one nobody reads) and COPY.
-- So `seq` now comes from the column default, one nextval per row, and the per-row plpgsql call
-- (1.0–2.3 s of 100,000 rows in the sweep benchmark) is gone.
DROP TRIGGER "AuditEvent_before_insert" ON "AuditEvent";
DROP FUNCTION "mm_audit_event_before_insert"();

CREATE FUNCTION "mm_audit_event_before_insert_statement"() RETURNS trigger AS $$
BEGIN
  PERFORM pg_current_xact_id();
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "AuditEvent_before_insert_statement"
  BEFORE INSERT ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION "mm_audit_event_before_insert_statement"();

-- One NOTIFY per distinct machine of the statement's rows (the payload is the machine id, '' for
-- events of no machine), sent at commit as before. PostgreSQL folds equal notifications of one
-- transaction into one anyway; this only saves sending them row by row.
CREATE FUNCTION "mm_audit_event_after_insert_statement"() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('mm_audit', s."m")
  FROM (SELECT DISTINCT COALESCE(n."machineId", '') AS "m" FROM "new_rows" n) AS s;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "AuditEvent_after_insert_statement"
  AFTER INSERT ON "AuditEvent"
  REFERENCING NEW TABLE AS "new_rows"
  FOR EACH STATEMENT EXECUTE FUNCTION "mm_audit_event_after_insert_statement"();

-- (3) The lease sweep's index, (leaseExpiresAt, id): a pass takes lapsed rows in that order and
-- each batch starts after the previous batch's last row (docs/database.md "Set-based writes").
-- Neither column is written by the sweep or by probe results, so those updates stay HOT.
DROP INDEX "RuntimeEndpoint_leaseExpiresAt_idx";
CREATE INDEX "RuntimeEndpoint_leaseExpiresAt_id_idx" ON "RuntimeEndpoint"("leaseExpiresAt", "id");
