-- DropIndex
DROP INDEX "AuditEvent_createdAt_idx";

-- CreateIndex
CREATE INDEX "AuditEvent_createdAt_seq_idx" ON "AuditEvent"("createdAt", "seq");
