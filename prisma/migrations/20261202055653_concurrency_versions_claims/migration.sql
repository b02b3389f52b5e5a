-- DropIndex
DROP INDEX "AuditEvent_resourceType_resourceId_idx";

-- DropIndex
DROP INDEX "AuditEvent_type_idx";

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "machineId" TEXT,
ADD COLUMN     "principal" TEXT NOT NULL DEFAULT 'local';

-- AlterTable
ALTER TABLE "GraphEdge" ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "GraphNode" ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "Policy" ADD COLUMN     "ownerId" TEXT NOT NULL DEFAULT 'local';

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "leaseExpiresAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "RuntimeEndpoint" ADD COLUMN     "failureCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "successCount" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "claimRunId" TEXT;

-- CreateIndex
CREATE INDEX "AuditEvent_type_seq_idx" ON "AuditEvent"("type", "seq");

-- CreateIndex
CREATE INDEX "AuditEvent_resourceType_resourceId_seq_idx" ON "AuditEvent"("resourceType", "resourceId", "seq");

-- CreateIndex
CREATE INDEX "AuditEvent_machineId_seq_idx" ON "AuditEvent"("machineId", "seq");

-- CreateIndex
CREATE INDEX "AuditEvent_principal_seq_idx" ON "AuditEvent"("principal", "seq");

-- CreateIndex
CREATE INDEX "AuditEvent_createdAt_idx" ON "AuditEvent"("createdAt");

-- CreateIndex
CREATE INDEX "Run_status_leaseExpiresAt_idx" ON "Run"("status", "leaseExpiresAt");

-- Edges left pointing at deleted nodes by the old two-statement delete cannot satisfy the new keys.
DELETE FROM "GraphEdge" e
WHERE NOT EXISTS (SELECT 1 FROM "GraphNode" n WHERE n."id" = e."sourceNodeId")
   OR NOT EXISTS (SELECT 1 FROM "GraphNode" n WHERE n."id" = e."targetNodeId");

-- Existing events learn the machine their resource belongs to (the change feed reads by it).
UPDATE "AuditEvent" SET "machineId" = "resourceId" WHERE "resourceType" = 'machine';
UPDATE "AuditEvent" SET "machineId" = COALESCE(
  "payload" #>> '{node,machineId}', "payload" #>> '{edge,machineId}', "payload" #>> '{task,machineId}',
  "payload" #>> '{endpoint,machineId}', "payload" #>> '{agent,machineId}', "payload" #>> '{run,machineId}',
  "payload" #>> '{route,machineId}')
WHERE "machineId" IS NULL;

-- AddForeignKey
ALTER TABLE "GraphEdge" ADD CONSTRAINT "GraphEdge_sourceNodeId_fkey" FOREIGN KEY ("sourceNodeId") REFERENCES "GraphNode"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GraphEdge" ADD CONSTRAINT "GraphEdge_targetNodeId_fkey" FOREIGN KEY ("targetNodeId") REFERENCES "GraphNode"("id") ON DELETE CASCADE ON UPDATE CASCADE;
