-- CreateTable
CREATE TABLE "IdentityController" (
    "identityRef" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "controllerAddresses" TEXT[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "IdentityController_pkey" PRIMARY KEY ("identityRef")
);

-- CreateTable
CREATE TABLE "IdentityChallenge" (
    "id" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "identityRef" TEXT NOT NULL,
    "nonce" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "controllerAddresses" TEXT[],
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "consumedAt" TIMESTAMPTZ(3),
    "machineId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IdentityChallenge_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "IdentityController_seq_key" ON "IdentityController"("seq");

-- CreateIndex
CREATE UNIQUE INDEX "IdentityChallenge_seq_key" ON "IdentityChallenge"("seq");

-- CreateIndex
CREATE INDEX "IdentityChallenge_identityRef_idx" ON "IdentityChallenge"("identityRef");
