-- CreateIndex
CREATE INDEX "RuntimeEndpoint_agentId_idx" ON "RuntimeEndpoint"("agentId");
