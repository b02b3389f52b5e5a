-- `task.discovered` events were written without their machine (docs/liveness.md "The change feed":
-- events of a machine's resources carry its id), so the machine's feed and filter missed them.
-- Data only: the task row names the machine.
UPDATE "AuditEvent" a
SET "machineId" = t."machineId"
FROM "Task" t
WHERE a."type" = 'task.discovered' AND a."machineId" IS NULL AND a."resourceType" = 'task' AND t."id" = a."resourceId";
