-- AlterTable
ALTER TABLE "RuntimeEndpoint" ADD COLUMN     "nextProbeAt" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "RuntimeEndpoint_nextProbeAt_idx" ON "RuntimeEndpoint"("nextProbeAt");

-- The change feed (docs/liveness.md "The change feed"), hand-written; runs on PostgreSQL 15 and PGlite.
-- Before each audit row is inserted: (1) the writing transaction gets its transaction id, then
-- (2) the row takes its `seq`. The column default already drew a value before this trigger ran,
-- possibly before the transaction had an id; it is discarded (seq has gaps anyway). With the id
-- first, any seq a reader sees in the sequence belongs to a transaction that is committed, rolled
-- back, or listed as in progress in any snapshot taken afterwards: that is what lets the feed
-- deliver without gaps. (3) NOTIFY wakes readers in every process; the payload is the machine id at
-- most, the table tells the rest. Notifications are sent at commit, and only then.
CREATE OR REPLACE FUNCTION "mm_audit_event_before_insert"() RETURNS trigger AS $$
BEGIN
  PERFORM pg_current_xact_id();
  NEW."seq" := nextval('"AuditEvent_seq_seq"'::regclass);
  PERFORM pg_notify('mm_audit', COALESCE(NEW."machineId", ''));
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "AuditEvent_before_insert"
  BEFORE INSERT ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION "mm_audit_event_before_insert"();
