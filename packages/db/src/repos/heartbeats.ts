import type { RuntimeEndpointView } from '@mm/contracts';
import type { HeartbeatRepo, LeaseRenewed } from '@mm/core';
import type { PrismaClient, RuntimeEndpoint } from '../generated/prisma/client.ts';
import { agentView } from './agents.ts';
import { endpointView } from './endpoints.ts';
import { isoSql } from './paging.ts';

/**
 * The group commit of heartbeats (docs/liveness.md "Heartbeats in batches"): one statement,
 * auto-committed, so one round trip per batch. For every agent of the batch that exists on the
 * named machine, is not `revoked`, whose machine is `active` and none of whose leases lapsed into
 * `unreachable` (those need a revival, audited, which the full path does) and, when the heartbeat
 * declared endpoints, whose declaration is exactly the endpoints it owns, unchanged: lock the agent row (in
 * id order, so concurrent batches cannot deadlock), mark it seen (the conditional write on not
 * `revoked` is the final guard, rechecked on the locked row), extend its endpoints' leases
 * (skipping one a lease sweep turned `unreachable` meanwhile) and insert its
 * `machine-agent.heartbeat` event with the same payload the full path writes.
 */
const RENEW_SQL = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb)
    AS i("agentId" text, "machineId" text, "seenAt" timestamptz, "leaseExpiresAt" timestamptz, "leaseSeconds" int,
          "declared" jsonb)
), ok AS (
  SELECT a."id", i."seenAt", i."leaseExpiresAt", i."leaseSeconds"
  FROM "MachineAgent" a
  JOIN input i ON i."agentId" = a."id" AND i."machineId" = a."machineId"
  JOIN "Machine" m ON m."id" = a."machineId" AND m."status" = 'active'
  WHERE a."status" <> 'revoked'
    AND NOT EXISTS (
      SELECT 1 FROM "RuntimeEndpoint" e
      WHERE e."agentId" = a."id" AND e."source" = 'agent' AND e."status" = 'unreachable'
        AND e."leaseExpiresAt" < i."seenAt")
    -- Declared endpoints: exactly the ones the agent owns, each unchanged and allowed.
    AND (i."declared" IS NULL OR (
      jsonb_array_length(i."declared") = (
        SELECT count(*) FROM "RuntimeEndpoint" e WHERE e."agentId" = a."id" AND e."source" = 'agent')
      AND NOT EXISTS (
        SELECT 1 FROM jsonb_to_recordset(i."declared") AS d("providerKey" text, "label" text, "endpointBaseUrl" text,
          "authType" text, "modelAlias" text, "networkScope" text, "probePath" text, "status" text, "clearsToken" boolean)
        WHERE NOT (d."providerKey" = ANY(a."allowedProviderKeys")) OR NOT EXISTS (
          SELECT 1 FROM "RuntimeEndpoint" e
          WHERE e."machineId" = a."machineId" AND e."providerKey" = d."providerKey"
            AND e."source" = 'agent' AND e."agentId" = a."id"
            AND e."label" = d."label" AND e."endpointBaseUrl" = d."endpointBaseUrl" AND e."authType" = d."authType"
            AND e."modelAlias" IS NOT DISTINCT FROM d."modelAlias" AND e."networkScope" = d."networkScope"
            AND e."probePath" = d."probePath" AND e."status" = d."status"
            AND (NOT d."clearsToken" OR e."authTokenCipher" IS NULL)))))
  ORDER BY a."id"
  FOR UPDATE OF a
), agent AS (
  UPDATE "MachineAgent" a SET "status" = 'active', "lastSeenAt" = ok."seenAt", "updatedAt" = ok."seenAt"
  FROM ok WHERE a."id" = ok."id" AND a."status" <> 'revoked'
  RETURNING a."id", a."seq", a."machineId", a."label", a."allowedProviderKeys", a."status", a."lastSeenAt",
    a."createdAt", a."updatedAt", ok."seenAt", ok."leaseExpiresAt" AS "lease", ok."leaseSeconds"
), eps AS (
  UPDATE "RuntimeEndpoint" e SET "leaseExpiresAt" = agent."lease", "updatedAt" = agent."seenAt"
  FROM agent
  WHERE e."agentId" = agent."id" AND e."source" = 'agent'
    AND NOT (e."status" = 'unreachable' AND e."leaseExpiresAt" IS NOT NULL AND e."leaseExpiresAt" < agent."seenAt")
  RETURNING e.*
), audit AS (
  INSERT INTO "AuditEvent" ("id", "actor", "principal", "machineId", "type", "resourceType", "resourceId", "payload")
  SELECT gen_random_uuid(), 'agent:' || agent."id", agent."id", agent."machineId", 'machine-agent.heartbeat',
    'machine-agent', agent."id",
    jsonb_build_object(
      'agent', jsonb_build_object('id', agent."id", 'machineId', agent."machineId", 'label', agent."label",
        'allowedProviderKeys', to_jsonb(agent."allowedProviderKeys"), 'status', agent."status",
        'hasAgentToken', true, 'lastSeenAt', ${isoSql('agent."lastSeenAt"')},
        'createdAt', ${isoSql('agent."createdAt"')}, 'updatedAt', ${isoSql('agent."updatedAt"')}),
      'leaseSeconds', agent."leaseSeconds",
      'leaseExpiresAt', ${isoSql('agent."lease"')},
      'endpoints', coalesce((
        SELECT jsonb_agg(jsonb_build_object('id', eps."id", 'providerKey', eps."providerKey", 'status', eps."status")
          ORDER BY eps."seq")
        FROM eps WHERE eps."agentId" = agent."id"), '[]'::jsonb))
  FROM agent ORDER BY agent."id"
)
SELECT agent."id", agent."machineId", agent."label", agent."allowedProviderKeys", agent."status", agent."lastSeenAt",
  agent."createdAt", agent."updatedAt",
  coalesce((SELECT jsonb_agg(to_jsonb(eps) ORDER BY eps."seq") FROM eps WHERE eps."agentId" = agent."id"), '[]'::jsonb)
    AS "endpoints",
  (SELECT count(*) FROM "RuntimeEndpoint" e WHERE e."agentId" = agent."id" AND e."source" = 'agent')::int AS "owned"
FROM agent`;

interface RenewRow {
  id: string;
  machineId: string;
  label: string;
  allowedProviderKeys: string[];
  status: string;
  lastSeenAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  endpoints: Record<string, unknown>[];
  owned: number;
}

const DATE_COLUMNS = ['leaseExpiresAt', 'lastCheckedAt', 'lastHealthyAt', 'nextProbeAt', 'createdAt', 'updatedAt'];

/** An endpoint row that came back as JSON (`to_jsonb`): its timestamps are strings. */
export function endpointOfJson(json: Record<string, unknown>): RuntimeEndpointView {
  const row: Record<string, unknown> = { ...json };
  for (const col of DATE_COLUMNS) {
    const v = row[col];
    row[col] = typeof v === 'string' ? new Date(v) : null;
  }
  return endpointView(row as unknown as RuntimeEndpoint);
}

export function heartbeatRepo(db: PrismaClient): HeartbeatRepo {
  return {
    async renewMany(items) {
      const out = new Map<string, LeaseRenewed>();
      if (!items.length) return out;
      const input = JSON.stringify(
        items.map((i) => ({
          agentId: i.agentId,
          machineId: i.machineId,
          seenAt: i.seenAt.toISOString(),
          leaseExpiresAt: i.leaseExpiresAt.toISOString(),
          leaseSeconds: i.leaseSeconds,
          declared: i.declared ?? null,
        })),
      );
      const rows = await db.$queryRawUnsafe<RenewRow[]>(RENEW_SQL, input);
      for (const row of rows) {
        const endpoints = row.endpoints.map(endpointOfJson);
        out.set(row.id, {
          item: agentView({ ...row, seq: 0n }),
          endpoints,
          complete: endpoints.length === row.owned,
        });
      }
      return out;
    },
  };
}
