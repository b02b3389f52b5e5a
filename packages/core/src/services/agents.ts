import { LEASE_SECONDS } from '@mm/contracts';
import type { Inspect } from '@mm/contracts';
import type {
  EnrolledMachineAgentView,
  EnrollMachineAgentRequest,
  HeartbeatRequest,
  HeartbeatResponse,
  ListQuery,
  MachineAgentView,
  RuntimeEndpointView,
} from '@mm/contracts';
import type { Caller, CoreDeps } from '../deps.ts';
import { toPage } from '../deps.ts';
import { AppError, notFound, validation } from '../errors.ts';
import { hashToken, newAgentToken, tokenMatches } from '../lib/secrets.ts';
import { runAs } from '../lib/request-scope.ts';
import { lowerKeys } from '../lib/views.ts';
import { createBatcher } from '../lib/batcher.ts';
import type { DeclaredEndpoint, LeaseRenewal, LeaseRenewed, Repos } from '../ports.ts';
import { endpointWrite, upsertEndpointIn } from './runtime-endpoints.ts';
import { requireActiveMachine } from './machine-guard.ts';

export const DEFAULT_AGENT_LABEL = 'Machine runtime agent';
export const DEFAULT_ALLOWED_PROVIDER_KEYS = ['qvac'] as const;

/** Tokens an agent may present outside the body (REST headers; tRPC has none). */
export interface HeartbeatHeaderTokens {
  pairingToken?: string | undefined;
  bearer?: string | undefined;
}

const agentActor = (agentId: string) => `agent:${agentId}`;

/**
 * The one token of a heartbeat. Every transport that carries a token must carry the same one: a
 * body token and a header token that disagree are refused rather than one silently preferred.
 */
function presentedToken(body: string | undefined, headers: HeartbeatHeaderTokens): string {
  const tokens = [body, headers.pairingToken, headers.bearer].filter((t): t is string => !!t);
  const [first] = tokens;
  if (first === undefined) {
    throw new AppError(
      'AGENT_AUTH_REQUIRED',
      'send the agent token as agentToken, x-agent-pairing-token or Authorization: Bearer',
    );
  }
  if (tokens.some((t) => t !== first)) {
    throw new AppError('AGENT_AUTH_INVALID', 'the agent tokens presented in the body and headers disagree');
  }
  return first;
}

/** Request-shape checks the schema cannot express; they run before any token is looked at (B9). */
function assertHeartbeatShape(req: HeartbeatRequest): void {
  const keys = (req.endpoints ?? []).map((e) => e.providerKey.toLowerCase());
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup !== undefined) {
    throw validation(`endpoint providerKey ${dup} appears more than once`, {
      endpoints: `duplicate providerKey ${dup}`,
    });
  }
}

/**
 * Every refusal of the heartbeat, in order, before anything is written: unknown agent (or one of
 * another machine) → 404, wrong token → 401, machine guard (404/409/403), revoked → 403, a provider
 * key the agent may not serve → 403.
 */
async function authorizeHeartbeat(tx: Repos, deps: CoreDeps, req: HeartbeatRequest, token: string) {
  const agent = await tx.agents.get(req.agentId);
  if (!agent || agent.machineId !== req.machineId) throw notFound('machine agent', req.agentId);
  const hash = await tx.agents.getTokenHash(agent.id);
  if (!hash || !tokenMatches(token, hash)) throw new AppError('AGENT_AUTH_INVALID', 'the agent token is not valid');
  await requireActiveMachine(tx, deps, req.machineId);
  if (agent.status === 'revoked') {
    throw new AppError('AGENT_PAIRING_INACTIVE', `machine agent ${agent.id} is revoked`, { status: agent.status });
  }
  const denied = lowerKeys((req.endpoints ?? []).map((e) => e.providerKey)).filter(
    (k) => !agent.allowedProviderKeys.includes(k),
  );
  if (denied.length) {
    throw new AppError('AGENT_POLICY_DENIED', `agent may not register provider key(s): ${denied.join(', ')}`, {
      denied,
      allowedProviderKeys: agent.allowedProviderKeys,
    });
  }
  return agent;
}

/**
 * A heartbeat without endpoints extends the leases of the endpoints the agent owns; one whose lease
 * had lapsed (and so was swept to `unreachable`) comes back `active` (context B9).
 */
async function renewLeases(tx: Repos, agent: MachineAgentView, now: Date, leaseExpiresAt: Date) {
  // Locked first, so a lease sweep cannot flip one of them between this read and the renewal.
  const before = await tx.endpoints.lockAgentEndpoints(agent.id);
  const lapsed = new Set(
    before
      .filter((e) => e.status === 'unreachable' && e.leaseExpiresAt !== null && new Date(e.leaseExpiresAt) < now)
      .map((e) => e.id),
  );
  const renewed = await tx.endpoints.renewAgentLeases(agent.id, leaseExpiresAt);
  const out: RuntimeEndpointView[] = [];
  for (const endpoint of renewed) {
    if (!lapsed.has(endpoint.id)) {
      out.push(endpoint);
      continue;
    }
    const revived = await tx.endpoints.setStatus(endpoint.id, { status: 'active' });
    await tx.audit.record({
      actor: agentActor(agent.id),
      type: 'runtime-endpoint.status-changed',
      resourceType: 'runtime-endpoint',
      resourceId: revived.id,
      payload: { endpoint: revived, from: 'unreachable', to: 'active', reason: 'lease renewed' },
    });
    out.push(revived);
  }
  return out;
}

async function writeHeartbeat(tx: Repos, deps: CoreDeps, req: HeartbeatRequest, agent: MachineAgentView) {
  const now = deps.clock.now();
  const leaseSeconds = req.leaseSeconds ?? LEASE_SECONDS.default;
  const leaseExpiresAt = new Date(now.getTime() + leaseSeconds * 1000);
  const actor = agentActor(agent.id);
  // The first write takes the agent's row lock and is conditional on not `revoked`: a revoke that
  // committed since the checks above wins, and this heartbeat writes nothing (docs/concurrency.md).
  const item = await tx.agents.markSeen(agent.id, now);
  if (!item) {
    throw new AppError('AGENT_PAIRING_INACTIVE', `machine agent ${agent.id} is revoked`, { status: 'revoked' });
  }
  let endpoints: RuntimeEndpointView[];
  let probeDue = false;
  if (req.endpoints?.length) {
    endpoints = [];
    for (const input of req.endpoints) {
      const owner = { source: 'agent' as const, agentId: agent.id, leaseExpiresAt };
      const write = endpointWrite(input.providerKey, input, owner, deps);
      const written = await upsertEndpointIn(tx, req.machineId, write, actor, { quietRenewal: true });
      probeDue ||= written.probeDue;
      endpoints.push(written.item);
    }
  } else {
    endpoints = await renewLeases(tx, agent, now, leaseExpiresAt);
  }
  await tx.audit.record({
    actor,
    type: 'machine-agent.heartbeat',
    resourceType: 'machine-agent',
    resourceId: agent.id,
    payload: {
      agent: item,
      leaseSeconds,
      leaseExpiresAt: leaseExpiresAt.toISOString(),
      endpoints: endpoints.map((e) => ({ id: e.id, providerKey: e.providerKey, status: e.status })),
    },
  });
  return { item, endpoints, nextHeartbeatInSeconds: Math.max(1, Math.floor(leaseSeconds / 3)), probeDue };
}

/**
 * The endpoints a heartbeat declares, as the full path would store them, for the batched renewal
 * (docs/liveness.md "Heartbeats in batches"); null when only the full path can answer: a credential
 * is sent (it is sealed per write, so it cannot be compared) or a declaration is refused (the full
 * path answers with the refusal, in its order).
 */
function declarationOf(req: HeartbeatRequest, deps: CoreDeps, leaseExpiresAt: Date): DeclaredEndpoint[] | null {
  const out: DeclaredEndpoint[] = [];
  for (const input of req.endpoints ?? []) {
    if (input.authToken) return null;
    let write;
    try {
      write = endpointWrite(input.providerKey, input, { source: 'agent', agentId: req.agentId, leaseExpiresAt }, deps);
    } catch {
      return null;
    }
    out.push({
      providerKey: write.providerKey,
      label: write.label,
      endpointBaseUrl: write.endpointBaseUrl,
      authType: write.authType,
      modelAlias: write.modelAlias,
      networkScope: write.networkScope,
      probePath: write.probePath,
      status: write.status,
      clearsToken: write.credential.kind === 'clear',
    });
  }
  return out;
}

/** What the auth cache holds of an agent: facts that never change for its id. */
interface AgentAuth {
  machineId: string;
  tokenHash: string;
}

const AUTH_CACHE_MAX = 100_000;

/**
 * The heartbeat's fast path (docs/liveness.md "Heartbeats in batches"): a renewal, without endpoints
 * or repeating the agent's endpoints unchanged, authenticated from a cache of token hashes and
 * written in a group commit. Whatever it
 * cannot answer (a cache miss that does not check out, a revoked agent, a machine not active, a
 * lapsed lease to revive, a batch that failed for a reason other than the database being away)
 * goes to the full path, which answers with the exact refusal of context B9.
 */
function createHeartbeatFastPath(deps: CoreDeps) {
  const { store } = deps;
  const auth = new Map<string, AgentAuth>();
  // The cache holds only what cannot change for an agent id (its machine and token hash), and is
  // dropped when the change feed reconnects; revocation is never read from it: the batched write
  // is conditional on not `revoked`, on the locked row, so a revoke that committed in any process
  // refuses the next heartbeat without waiting for a notification (docs/liveness.md).
  deps.notifier?.subscribe((machineId) => {
    if (machineId === '') auth.clear();
  });

  const batcher = createBatcher<LeaseRenewal, LeaseRenewed | null>(
    async (items) => {
      // An agent twice in one batch: the later ones take the full path (one write each).
      const seen = new Set<string>();
      const unique = items.filter((i) => !seen.has(i.agentId) && seen.add(i.agentId));
      let renewed: Map<string, LeaseRenewed>;
      try {
        renewed = await store.heartbeats.renewMany(unique);
      } catch (err) {
        // The database is away: every caller of the batch gets the 503 (docs/faults.md). Anything
        // else (a bad row) must not fail the others: each retries alone on the full path.
        if (err instanceof AppError && err.code === 'DATABASE_UNAVAILABLE') throw err;
        return items.map(() => null);
      }
      const answered = new Set<string>();
      return items.map((i) => {
        if (answered.has(i.agentId)) return null;
        answered.add(i.agentId);
        return renewed.get(i.agentId) ?? null;
      });
    },
    deps.config.heartbeatBatch ?? { maxBatch: 200, maxInFlight: 4 },
  );

  async function authOf(agentId: string): Promise<AgentAuth | null> {
    const cached = auth.get(agentId);
    if (cached) return cached;
    const [agent, tokenHash] = await Promise.all([store.agents.get(agentId), store.agents.getTokenHash(agentId)]);
    if (!agent || !tokenHash) return null;
    if (auth.size >= AUTH_CACHE_MAX) auth.clear();
    const entry = { machineId: agent.machineId, tokenHash };
    auth.set(agentId, entry);
    return entry;
  }

  return {
    forget(agentId: string) {
      auth.delete(agentId);
    },
    /** The answer, or null when the full path must run. */
    async tryRenew(req: HeartbeatRequest, token: string): Promise<HeartbeatResponse | null> {
      if (deps.config.identityVerification === 'required') return null;
      const known = await authOf(req.agentId);
      if (!known || known.machineId !== req.machineId || !tokenMatches(token, known.tokenHash)) return null;
      const seenAt = deps.clock.now();
      const leaseSeconds = req.leaseSeconds ?? LEASE_SECONDS.default;
      const leaseExpiresAt = new Date(seenAt.getTime() + leaseSeconds * 1000);
      const declared = req.endpoints?.length ? declarationOf(req, deps, leaseExpiresAt) : undefined;
      if (declared === null) return null;
      const renewed = await batcher.submit({
        agentId: req.agentId,
        machineId: req.machineId,
        seenAt,
        leaseExpiresAt,
        leaseSeconds,
        ...(declared && { declared }),
      });
      // Not complete: an endpoint was swept or taken over while this batch ran; the full path
      // renews (and revives) what is left, at the cost of a second heartbeat event.
      if (!renewed?.complete) return null;
      return {
        item: renewed.item,
        endpoints: renewed.endpoints,
        nextHeartbeatInSeconds: Math.max(1, Math.floor(leaseSeconds / 3)),
      };
    },
  };
}

function allowedKeysOf(req: EnrollMachineAgentRequest): string[] {
  if (req.allowedProviderKeys === undefined && req.providerKeys === undefined) {
    return [...DEFAULT_ALLOWED_PROVIDER_KEYS];
  }
  // `providerKeys` is an alias: a caller that sends both gets the union.
  return lowerKeys([...(req.allowedProviderKeys ?? []), ...(req.providerKeys ?? [])]);
}

export function createAgentService(deps: CoreDeps) {
  const { store } = deps;
  const fast = createHeartbeatFastPath(deps);
  return {
    /** The token is returned here once; only its hash is stored, and no event carries it. */
    async enroll(machineId: string, req: EnrollMachineAgentRequest, caller: Caller): Promise<EnrolledMachineAgentView> {
      const agentToken = newAgentToken();
      const agent = await store.transaction(async (tx) => {
        await requireActiveMachine(tx, deps, machineId);
        const created = await tx.agents.create({
          machineId,
          label: req.label ?? DEFAULT_AGENT_LABEL,
          allowedProviderKeys: allowedKeysOf(req),
          tokenHash: hashToken(agentToken),
        });
        await tx.audit.record({
          actor: caller.actor,
          type: 'machine-agent.enrolled',
          resourceType: 'machine-agent',
          resourceId: created.id,
          payload: { agent: created },
        });
        return created;
      });
      return { ...agent, agentToken };
    },

    async list(machineId: string, query: ListQuery & Inspect) {
      await requireActiveMachine(store, deps, machineId, query);
      return store.agents.list(machineId, toPage(query));
    },

    async get(machineId: string, agentId: string, opts: Inspect = {}): Promise<MachineAgentView> {
      await requireActiveMachine(store, deps, machineId, opts);
      const agent = await store.agents.get(agentId);
      if (!agent || agent.machineId !== machineId) throw notFound('machine agent', agentId);
      return agent;
    },

    /**
     * Revoking is final (context C1): under the agent's row lock, the agent turns `revoked` and every
     * endpoint it owns turns `unreachable` (audited, reason `agent revoked`) in one transaction.
     * Revoking a revoked agent changes nothing, so it writes no event.
     */
    async revoke(machineId: string, agentId: string, caller: Caller): Promise<MachineAgentView> {
      fast.forget(agentId);
      return store.transaction(async (tx) => {
        await requireActiveMachine(tx, deps, machineId);
        const agent = await tx.agents.lock(agentId);
        if (!agent || agent.machineId !== machineId) throw notFound('machine agent', agentId);
        if (agent.status === 'revoked') return agent;
        const item = await tx.agents.update(agentId, { status: 'revoked' });
        await tx.audit.record({
          actor: caller.actor,
          type: 'machine-agent.revoked',
          resourceType: 'machine-agent',
          resourceId: agentId,
          payload: { agent: item, previousStatus: agent.status },
        });
        const now = deps.clock.now();
        for (const endpoint of await tx.endpoints.lockAgentEndpoints(agentId)) {
          if (endpoint.status === 'unreachable') continue;
          const updated = await tx.endpoints.setStatus(endpoint.id, { status: 'unreachable', lastCheckedAt: now });
          await tx.audit.record({
            actor: caller.actor,
            type: 'runtime-endpoint.status-changed',
            resourceType: 'runtime-endpoint',
            resourceId: endpoint.id,
            payload: { endpoint: updated, from: endpoint.status, to: 'unreachable', reason: 'agent revoked' },
          });
        }
        return item;
      });
    },

    /**
     * Order (context B9, "validation runs before authentication"): the edge validates the body,
     * then request-shape checks here, then the token must be present and consistent (401), then the
     * checks of `authorizeHeartbeat`. Nothing is written unless every check passes.
     */
    async heartbeat(req: HeartbeatRequest, headers: HeartbeatHeaderTokens = {}): Promise<HeartbeatResponse> {
      assertHeartbeatShape(req);
      const token = presentedToken(req.agentToken, headers);
      // The agent acts for itself: its events carry its id as principal (context C3); the token,
      // not an owner, decides what it may touch (its own machine only).
      const asAgent = { actor: agentActor(req.agentId), ownerId: req.agentId, admin: false, kind: 'agent' as const };
      const renewed = await runAs(asAgent, () => fast.tryRenew(req, token));
      if (renewed) return renewed;
      const { probeDue, ...answer } = await runAs(asAgent, () =>
        store.transaction(async (tx) => {
          const agent = await authorizeHeartbeat(tx, deps, req, token);
          return writeHeartbeat(tx, deps, req, agent);
        }),
      );
      if (probeDue) deps.onProbeDue?.();
      return answer;
    },
  };
}
export type AgentService = ReturnType<typeof createAgentService>;
