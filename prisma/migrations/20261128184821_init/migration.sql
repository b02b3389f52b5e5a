-- CreateTable
CREATE TABLE "Machine" (
    "id" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "displayName" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "identityRef" TEXT NOT NULL,
    "identityProof" JSONB,
    "machineType" TEXT NOT NULL,
    "runtimeProfile" TEXT NOT NULL,
    "capabilities" TEXT[],
    "labels" JSONB NOT NULL,
    "policyIds" TEXT[],
    "skillKeys" TEXT[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Machine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Skill" (
    "key" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "providerKey" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "serviceTypes" TEXT[],
    "operations" TEXT[],
    "executionMode" TEXT NOT NULL,
    "integrationStatus" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Skill_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "MarketService" (
    "id" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "skillKey" TEXT NOT NULL,
    "providerKey" TEXT NOT NULL,
    "providerId" TEXT NOT NULL,
    "providerLabel" TEXT NOT NULL,
    "companyName" TEXT NOT NULL,
    "serviceType" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "operations" TEXT[],
    "executionMode" TEXT NOT NULL,
    "integrationStatus" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "capabilities" TEXT[],
    "handoff" JSONB,
    "pricing" JSONB NOT NULL,
    "metadata" JSONB NOT NULL,
    "authType" TEXT NOT NULL,
    "accessMode" TEXT NOT NULL,
    "distribution" TEXT NOT NULL,
    "maturity" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "freshnessSeconds" INTEGER NOT NULL,
    "requiresHumanEnablement" BOOLEAN NOT NULL,
    "referenceUrl" TEXT,
    "artifactUrl" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "MarketService_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RuntimeEndpoint" (
    "id" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "machineId" TEXT NOT NULL,
    "providerKey" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "agentId" TEXT,
    "label" TEXT NOT NULL,
    "endpointBaseUrl" TEXT NOT NULL,
    "authType" TEXT NOT NULL,
    "authTokenCipher" TEXT,
    "modelAlias" TEXT,
    "networkScope" TEXT NOT NULL,
    "probePath" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "leaseExpiresAt" TIMESTAMPTZ(3),
    "lastCheckedAt" TIMESTAMPTZ(3),
    "lastHealthyAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "RuntimeEndpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MachineAgent" (
    "id" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "machineId" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "allowedProviderKeys" TEXT[],
    "status" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "lastSeenAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "MachineAgent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GraphNode" (
    "id" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "machineId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "refId" TEXT,
    "title" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "positionX" DOUBLE PRECISION NOT NULL,
    "positionY" DOUBLE PRECISION NOT NULL,
    "data" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "GraphNode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GraphEdge" (
    "id" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "machineId" TEXT NOT NULL,
    "sourceNodeId" TEXT NOT NULL,
    "targetNodeId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "label" TEXT,
    "data" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "GraphEdge_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Task" (
    "id" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "machineId" TEXT NOT NULL,
    "serviceType" TEXT NOT NULL,
    "operation" TEXT,
    "taskType" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "input" JSONB NOT NULL,
    "constraints" JSONB NOT NULL,
    "discovery" JSONB NOT NULL,
    "routeId" TEXT,
    "outcomeId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Task_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Route" (
    "id" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "machineId" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "selectedSkillKey" TEXT NOT NULL,
    "selectedServiceId" TEXT NOT NULL,
    "executionMode" TEXT NOT NULL,
    "integrationStatus" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "fallbackChain" JSONB NOT NULL,
    "handoff" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Route_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Outcome" (
    "id" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "machineId" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "routeId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "skillKey" TEXT NOT NULL,
    "serviceId" TEXT NOT NULL,
    "executionMode" TEXT NOT NULL,
    "receiptRef" TEXT,
    "logsRef" TEXT,
    "externalRef" TEXT,
    "errorCode" TEXT,
    "errorMessage" TEXT,
    "result" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Outcome_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Run" (
    "id" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "machineId" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "routeId" TEXT,
    "outcomeId" TEXT,
    "status" TEXT NOT NULL,
    "executionMode" TEXT,
    "skillKey" TEXT,
    "serviceId" TEXT,
    "summary" TEXT,
    "attempts" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Policy" (
    "id" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "allowedSkillKeys" TEXT[],
    "deniedSkillKeys" TEXT[],
    "budgetCap" JSONB,
    "regionRules" TEXT[],
    "nativeOnly" BOOLEAN NOT NULL,
    "handoffAllowed" BOOLEAN NOT NULL,
    "requiredCapabilities" TEXT[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Policy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "actor" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "resourceType" TEXT NOT NULL,
    "resourceId" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Machine_seq_key" ON "Machine"("seq");

-- CreateIndex
CREATE UNIQUE INDEX "Machine_identityRef_key" ON "Machine"("identityRef");

-- CreateIndex
CREATE UNIQUE INDEX "Skill_seq_key" ON "Skill"("seq");

-- CreateIndex
CREATE UNIQUE INDEX "MarketService_seq_key" ON "MarketService"("seq");

-- CreateIndex
CREATE INDEX "MarketService_serviceType_idx" ON "MarketService"("serviceType");

-- CreateIndex
CREATE UNIQUE INDEX "RuntimeEndpoint_seq_key" ON "RuntimeEndpoint"("seq");

-- CreateIndex
CREATE INDEX "RuntimeEndpoint_leaseExpiresAt_idx" ON "RuntimeEndpoint"("leaseExpiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "RuntimeEndpoint_machineId_providerKey_key" ON "RuntimeEndpoint"("machineId", "providerKey");

-- CreateIndex
CREATE UNIQUE INDEX "MachineAgent_seq_key" ON "MachineAgent"("seq");

-- CreateIndex
CREATE INDEX "MachineAgent_machineId_idx" ON "MachineAgent"("machineId");

-- CreateIndex
CREATE UNIQUE INDEX "GraphNode_seq_key" ON "GraphNode"("seq");

-- CreateIndex
CREATE INDEX "GraphNode_machineId_idx" ON "GraphNode"("machineId");

-- CreateIndex
CREATE UNIQUE INDEX "GraphEdge_seq_key" ON "GraphEdge"("seq");

-- CreateIndex
CREATE INDEX "GraphEdge_machineId_idx" ON "GraphEdge"("machineId");

-- CreateIndex
CREATE INDEX "GraphEdge_sourceNodeId_idx" ON "GraphEdge"("sourceNodeId");

-- CreateIndex
CREATE INDEX "GraphEdge_targetNodeId_idx" ON "GraphEdge"("targetNodeId");

-- CreateIndex
CREATE UNIQUE INDEX "Task_seq_key" ON "Task"("seq");

-- CreateIndex
CREATE INDEX "Task_machineId_idx" ON "Task"("machineId");

-- CreateIndex
CREATE UNIQUE INDEX "Route_seq_key" ON "Route"("seq");

-- CreateIndex
CREATE INDEX "Route_machineId_idx" ON "Route"("machineId");

-- CreateIndex
CREATE INDEX "Route_taskId_idx" ON "Route"("taskId");

-- CreateIndex
CREATE UNIQUE INDEX "Outcome_seq_key" ON "Outcome"("seq");

-- CreateIndex
CREATE INDEX "Outcome_machineId_idx" ON "Outcome"("machineId");

-- CreateIndex
CREATE UNIQUE INDEX "Run_seq_key" ON "Run"("seq");

-- CreateIndex
CREATE INDEX "Run_machineId_idx" ON "Run"("machineId");

-- CreateIndex
CREATE UNIQUE INDEX "Policy_seq_key" ON "Policy"("seq");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_seq_key" ON "AuditEvent"("seq");

-- CreateIndex
CREATE INDEX "AuditEvent_type_idx" ON "AuditEvent"("type");

-- CreateIndex
CREATE INDEX "AuditEvent_resourceType_resourceId_idx" ON "AuditEvent"("resourceType", "resourceId");

-- AddForeignKey
ALTER TABLE "MarketService" ADD CONSTRAINT "MarketService_skillKey_fkey" FOREIGN KEY ("skillKey") REFERENCES "Skill"("key") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RuntimeEndpoint" ADD CONSTRAINT "RuntimeEndpoint_machineId_fkey" FOREIGN KEY ("machineId") REFERENCES "Machine"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MachineAgent" ADD CONSTRAINT "MachineAgent_machineId_fkey" FOREIGN KEY ("machineId") REFERENCES "Machine"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GraphNode" ADD CONSTRAINT "GraphNode_machineId_fkey" FOREIGN KEY ("machineId") REFERENCES "Machine"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GraphEdge" ADD CONSTRAINT "GraphEdge_machineId_fkey" FOREIGN KEY ("machineId") REFERENCES "Machine"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_machineId_fkey" FOREIGN KEY ("machineId") REFERENCES "Machine"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
