/**
 * What the domain needs from storage. `packages/db` implements these over Prisma; every method
 * returns views (never rows), so secrets cannot leak through a service.
 */
import type {
  AuditEventView,
  EndpointAuthType,
  NetworkScope,
  CatalogServiceView,
  CreateGraphEdgeRequest,
  ExecutionMode,
  GraphEdgeView,
  GraphNodeView,
  IdentityControllerView,
  ListResponse,
  MachineAgentView,
  MachineStatus,
  MachineView,
  OutcomeView,
  PolicyView,
  RouteView,
  RunView,
  RuntimeEndpointView,
  SkillView,
  TaskView,
  UpsertServiceRequest,
  UpsertSkillRequest,
} from '@mm/contracts';

export interface Page {
  limit: number;
  cursor?: string | undefined;
}

export interface AuditInput {
  actor: string;
  /** Defaults to the principal of the current request scope (lib/request-scope.ts). */
  principal?: string;
  type: string;
  resourceType: string;
  resourceId: string;
  payload: Record<string, unknown>;
  /** The machine the resource belongs to; derived from the resource and payload when absent. */
  machineId?: string | null | undefined;
}

export interface AuditFilter {
  /** Exact type, or a prefix when it ends in `*` (`graph.node.*`). */
  type?: string | undefined;
  resourceType?: string | undefined;
  resourceId?: string | undefined;
  machineId?: string | undefined;
  principal?: string | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
}

/** One event of the change feed with its position (`seq`, a decimal string). */
export interface FeedEvent {
  seq: string;
  event: AuditEventView;
}

export interface AuditRepo {
  record(event: AuditInput): Promise<AuditEventView>;
  /** Many events in one statement (set-based background passes). */
  recordMany(events: AuditInput[]): Promise<void>;
  list(
    filter: AuditFilter & {
      /** Only events about these machines, or about no machine and recorded by `principal`. */
      visibleTo?: { principal: string; machineIds: string[] } | undefined;
    },
    page: Page,
  ): Promise<ListResponse<AuditEventView>>;
  /** A machine's events with `after < seq <= upTo`, oldest first (docs/liveness.md "The change feed"). */
  readAfter(machineId: string, after: bigint, upTo: bigint, limit: number): Promise<FeedEvent[]>;
  /**
   * The highest seq drawn so far and, read after it, the transactions in progress: every seq up to
   * `lastSeq` is final once those have ended.
   */
  feedHorizon(): Promise<{ lastSeq: bigint; inProgress: string[] }>;
  /** Which of these transaction ids are still in progress. */
  stillInProgress(xids: string[]): Promise<string[]>;
  /** The newest seq of a machine's events (where a feed without a position starts). */
  lastSeqOf(machineId: string): Promise<bigint>;
  /** Deletes up to `limit` events older than `before`, oldest first; answers how many. */
  pruneBefore(before: Date, limit: number): Promise<number>;
}

export interface MachineRecordInput {
  displayName: string;
  status: MachineStatus;
  ownerId: string;
  identityRef: string;
  machineType: string;
  runtimeProfile: string;
  capabilities: string[];
  labels: Record<string, string>;
  policyIds: string[];
  skillKeys: string[];
  /** Set once, at creation, when verification is required. */
  identityProof?: MachineView['identityProof'];
}

export interface MachineRepo {
  create(input: MachineRecordInput): Promise<MachineView>;
  get(id: string): Promise<MachineView | null>;
  findByIdentityRef(identityRef: string): Promise<MachineView | null>;
  list(
    filter: { status?: MachineStatus | undefined; ownerId?: string | undefined },
    page: Page,
  ): Promise<ListResponse<MachineView>>;
  /** Ids of the machines `ownerId` owns (audit visibility). */
  idsOfOwner(ownerId: string): Promise<string[]>;
  update(id: string, patch: Partial<Omit<MachineRecordInput, 'identityProof'>>): Promise<MachineView>;
  /** Machines whose `policyIds` contain `policyId`. */
  listByPolicy(policyId: string): Promise<MachineView[]>;
}

/** A stored identity challenge (internal: the client sees `IdentityChallengeView`). */
export interface IdentityChallengeRecord {
  id: string;
  identityRef: string;
  message: string;
  controllerAddresses: string[];
  expiresAt: Date;
  consumedAt: Date | null;
  machineId: string | null;
}

export interface IdentityRepo {
  getControllers(identityRef: string): Promise<IdentityControllerView | null>;
  putControllers(
    identityRef: string,
    controllerAddresses: string[],
  ): Promise<{ item: IdentityControllerView; created: boolean }>;
  createChallenge(input: {
    id: string;
    identityRef: string;
    nonce: string;
    message: string;
    controllerAddresses: string[];
    expiresAt: Date;
  }): Promise<IdentityChallengeRecord>;
  getChallenge(id: string): Promise<IdentityChallengeRecord | null>;
  /** Marks an unused challenge used by `machineId`; false when it was already used (one-time use). */
  consumeChallenge(id: string, machineId: string, at: Date): Promise<boolean>;
}

/**
 * Who controls an identity (context B2): the local registry here; the upstream peaqOS MCR resolver
 * would be another implementation. `null` when the resolver does not know the identity.
 */
export interface IdentityResolver {
  resolve(identityRef: string): Promise<{ controllerAddresses: string[]; source: string } | null>;
}

export interface CatalogueRepo {
  listSkills(): Promise<SkillView[]>;
  getSkill(key: string): Promise<SkillView | null>;
  upsertSkill(key: string, input: UpsertSkillRequest): Promise<{ item: SkillView; created: boolean }>;
  listServices(filter: {
    serviceType?: string | undefined;
    skillKey?: string | undefined;
    executionMode?: ExecutionMode | undefined;
  }): Promise<CatalogServiceView[]>;
  getService(id: string): Promise<CatalogServiceView | null>;
  /**
   * Every service of one type, sorted by id, as of the caller's transaction: served from the
   * process's copy of the catalogue while the catalogue's version is unchanged (docs/api.md
   * "Discovery at catalogue scale"). The arrays and views are shared: never mutate them.
   */
  servicesOfType(serviceType: string): Promise<readonly CatalogServiceView[]>;
  upsertService(
    id: string,
    input: UpsertServiceRequest & { providerId: string; providerLabel: string; metadata: Record<string, unknown> },
  ): Promise<{ item: CatalogServiceView; created: boolean }>;
}

export interface EndpointWrite {
  providerKey: string;
  source: 'manual' | 'agent';
  agentId: string | null;
  label: string;
  endpointBaseUrl: string;
  authType: RuntimeEndpointView['authType'];
  /** `undefined` keeps the stored ciphertext, `null` clears it. */
  authTokenCipher: string | null | undefined;
  modelAlias: string | null;
  networkScope: RuntimeEndpointView['networkScope'];
  probePath: string;
  status: RuntimeEndpointView['status'];
  leaseExpiresAt: Date | null;
  /** Make the endpoint due for a probe now (new or changed endpoint, docs/liveness.md "Probing"). */
  probeNow?: boolean;
}

/** What the probe pass needs of a claimed endpoint; internal (carries the credential ciphertext). */
export interface ProbeClaim {
  id: string;
  machineId: string;
  providerKey: string;
  endpointBaseUrl: string;
  probePath: string;
  networkScope: NetworkScope;
  authType: EndpointAuthType;
  authTokenCipher: string | null;
}

/** One health observation: a probe answer or an execution attempt (passive evidence). */
export interface EndpointObservation {
  healthy: boolean;
  at: Date;
  /** Apply only while the endpoint still has this URL (a probe of the old URL says nothing of the new). */
  endpointBaseUrl?: string;
  failuresToUnreachable: number;
  successesToActive: number;
}

/** Where a lease sweep pass stands: the last endpoint it claimed, in (`leaseExpiresAt`, `id`) order. */
export interface SweepCursor {
  leaseExpiresAt: Date;
  id: string;
}

export interface RuntimeEndpointRepo {
  list(machineId: string, page: Page): Promise<ListResponse<RuntimeEndpointView>>;
  listAll(machineId: string): Promise<RuntimeEndpointView[]>;
  get(machineId: string, providerKey: string): Promise<RuntimeEndpointView | null>;
  upsert(machineId: string, write: EndpointWrite): Promise<{ item: RuntimeEndpointView; created: boolean }>;
  delete(machineId: string, providerKey: string): Promise<boolean>;
  /** The stored credential ciphertext, for the runtime caller only. */
  getCredential(machineId: string, providerKey: string): Promise<string | null>;
  /** Renew the lease of every endpoint owned by `agentId`. */
  renewAgentLeases(agentId: string, leaseExpiresAt: Date): Promise<RuntimeEndpointView[]>;
  /** Locks and reads every endpoint an agent owns, until the transaction ends. */
  lockAgentEndpoints(agentId: string): Promise<RuntimeEndpointView[]>;
  /**
   * Turns up to `limit` endpoints whose lease lapsed `unreachable` and inserts each one's
   * `runtime-endpoint.status-changed` event (payload: the endpoint's view after the change, `from`,
   * `to`, `reason`), all in one statement, skipping rows another transaction holds. Rows are taken
   * in (`leaseExpiresAt`, `id`) order, after `after` when given (the previous batch's `last`), so a
   * pass does not walk again what its earlier batches turned. Answers how many it turned and the
   * last row it claimed (docs/database.md "Set-based writes").
   */
  sweepLapsed(
    now: Date,
    limit: number,
    by: { actor: string; principal: string },
    after?: SweepCursor,
  ): Promise<{ count: number; last: SweepCursor | null }>;
  setStatus(
    id: string,
    patch: { status?: RuntimeEndpointView['status']; lastCheckedAt?: Date; lastHealthyAt?: Date },
  ): Promise<RuntimeEndpointView>;
  /**
   * Claims up to `limit` endpoints due for a probe (SKIP LOCKED) and moves their next probe to
   * `nextProbeAt`, in one statement, so no other process probes them in this interval. Skips
   * endpoints whose lease lapsed, of a revoked agent, or of a machine that is not active.
   */
  claimDueForProbe(now: Date, nextProbeAt: Date, limit: number): Promise<ProbeClaim[]>;
  /**
   * Applies one observation with the hysteresis of docs/liveness.md, conditionally and under the
   * row lock: null when it does not apply (endpoint gone, moved, lease lapsed, agent revoked).
   */
  observe(
    id: string,
    observation: EndpointObservation,
  ): Promise<{ endpoint: RuntimeEndpointView; from: RuntimeEndpointView['status'] } | null>;
}

export interface AgentRepo {
  create(input: {
    machineId: string;
    label: string;
    allowedProviderKeys: string[];
    tokenHash: string;
  }): Promise<MachineAgentView>;
  get(id: string): Promise<MachineAgentView | null>;
  getTokenHash(id: string): Promise<string | null>;
  list(machineId: string, page: Page): Promise<ListResponse<MachineAgentView>>;
  /** Reads the agent and holds its row lock until the transaction ends. */
  lock(id: string): Promise<MachineAgentView | null>;
  /** `active` with `lastSeenAt`, only while not `revoked`; null when it is. */
  markSeen(id: string, at: Date): Promise<MachineAgentView | null>;
  update(id: string, patch: { status?: MachineAgentView['status']; lastSeenAt?: Date }): Promise<MachineAgentView>;
}

export interface GraphRepo {
  getGraph(machineId: string): Promise<{ nodes: GraphNodeView[]; edges: GraphEdgeView[] }>;
  /**
   * The same view as JSON bytes, built by the database (large graphs over REST), served from the
   * process's cache while the machine's graph version is unchanged; `version` is that version
   * (null while the machine has never had a graph write). docs/database.md "The graph answer cache".
   */
  getGraphJson(machineId: string): Promise<{ body: Uint8Array; version: string | null }>;
  /** Gives the machine a new graph version and holds that row's lock until the transaction ends. */
  touchVersion(machineId: string): Promise<void>;
  getNode(machineId: string, nodeId: string): Promise<GraphNodeView | null>;
  /** Reads a node and holds its row lock until the transaction ends. */
  lockNode(machineId: string, nodeId: string): Promise<GraphNodeView | null>;
  lockEdge(machineId: string, edgeId: string): Promise<GraphEdgeView | null>;
  /**
   * Reads the named nodes of the machine and holds their row locks until the transaction ends
   * (taken in id order, so two bulk moves cannot deadlock). Unknown ids are absent from the answer.
   */
  lockNodes(machineId: string, nodeIds: readonly string[]): Promise<GraphNodeView[]>;
  /**
   * Moves nodes in one set-based statement, +1 on each one's version; answers the moved nodes.
   * The caller holds their locks (`lockNodes`).
   */
  moveNodes(machineId: string, moves: readonly { nodeId: string; x: number; y: number }[]): Promise<GraphNodeView[]>;
  /** Serialises additions to one machine's graph for the rest of the transaction. */
  lockGraph(machineId: string): Promise<void>;
  counts(machineId: string): Promise<{ nodes: number; edges: number }>;
  createNode(input: Omit<GraphNodeView, 'id' | 'createdAt' | 'updatedAt' | 'version'>): Promise<GraphNodeView>;
  updateNode(
    nodeId: string,
    patch: Partial<Pick<GraphNodeView, 'type' | 'title' | 'refId' | 'status' | 'position' | 'data'>>,
  ): Promise<GraphNodeView>;
  deleteNode(nodeId: string): Promise<void>;
  getEdge(machineId: string, edgeId: string): Promise<GraphEdgeView | null>;
  edgesOfNode(nodeId: string): Promise<GraphEdgeView[]>;
  createEdge(
    machineId: string,
    input: Omit<CreateGraphEdgeRequest, 'data'> & { data: Record<string, unknown> },
  ): Promise<GraphEdgeView>;
  updateEdge(
    edgeId: string,
    patch: { type?: GraphEdgeView['type']; label?: string | null; data?: Record<string, unknown> },
  ): Promise<GraphEdgeView>;
  deleteEdge(edgeId: string): Promise<void>;
}

export interface TaskRepo {
  create(input: Omit<TaskView, 'id' | 'createdAt' | 'updatedAt' | 'routeId' | 'outcomeId'>): Promise<TaskView>;
  get(machineId: string, taskId: string): Promise<TaskView | null>;
  list(machineId: string, filter: { status?: string | undefined }, page: Page): Promise<ListResponse<TaskView>>;
  update(
    taskId: string,
    patch: { status?: TaskView['status']; routeId?: string | null; outcomeId?: string | null },
  ): Promise<TaskView>;
  /** `resolved` with a new route, only from one of `from`; null when another writer won. */
  resolveTo(taskId: string, from: readonly TaskView['status'][], routeId: string): Promise<TaskView | null>;
  /** The execution claim: `executing`, held by `runId`, only from one of `from`. */
  claim(taskId: string, from: readonly TaskView['status'][], runId: string): Promise<boolean>;
  /** Ends the claim of `runId` (only while it still holds it); null when recovery took it. */
  settle(taskId: string, runId: string, status: TaskView['status'], outcomeId: string | null): Promise<TaskView | null>;
}

export interface RouteRepo {
  create(input: Omit<RouteView, 'id' | 'createdAt' | 'updatedAt'>): Promise<RouteView>;
  get(id: string): Promise<RouteView | null>;
  list(machineId: string, filter: { taskId?: string | undefined }, page: Page): Promise<ListResponse<RouteView>>;
  update(id: string, patch: { status: RouteView['status'] }): Promise<RouteView>;
}

export interface OutcomeRepo {
  create(input: Omit<OutcomeView, 'id' | 'createdAt' | 'updatedAt'>): Promise<OutcomeView>;
  get(id: string): Promise<OutcomeView | null>;
  list(machineId: string, filter: { taskId?: string | undefined }, page: Page): Promise<ListResponse<OutcomeView>>;
}

export interface RunRepo {
  create(input: Omit<RunView, 'id' | 'createdAt' | 'updatedAt'> & { leaseExpiresAt?: Date | null }): Promise<RunView>;
  /** Settles a run only while it is `running`; null when someone else settled it. */
  settleRunning(
    id: string,
    patch: Partial<Omit<RunView, 'id' | 'createdAt' | 'updatedAt' | 'machineId'>>,
  ): Promise<RunView | null>;
  /**
   * Locks up to `limit` running runs whose claim lapsed (or every running run, when the caller
   * knows no other process can hold one), skipping runs another pass holds.
   */
  claimLapsed(now: Date, limit: number, everyRunning: boolean): Promise<RunView[]>;
  /** Writes the attempts so far of a run only while it is `running`; null when it was settled. */
  recordAttempts(id: string, attempts: RunView['attempts']): Promise<RunView | null>;
  get(id: string): Promise<RunView | null>;
  update(id: string, patch: Partial<Omit<RunView, 'id' | 'createdAt' | 'updatedAt' | 'machineId'>>): Promise<RunView>;
  list(
    filter: {
      machineId: string;
      status?: string | undefined;
      skillKey?: string | undefined;
      serviceId?: string | undefined;
      executionMode?: string | undefined;
      taskId?: string | undefined;
      /** Started at or after / at or before (inclusive). */
      since?: Date | undefined;
      until?: Date | undefined;
    },
    page: Page,
  ): Promise<ListResponse<RunView>>;
}

/** `ownerId`, when given, narrows every read to that owner's policies (docs/trust.md). */
export interface PolicyRepo {
  create(input: Omit<PolicyView, 'id' | 'createdAt' | 'updatedAt'> & { ownerId: string }): Promise<PolicyView>;
  get(id: string, ownerId?: string): Promise<PolicyView | null>;
  getMany(ids: string[], ownerId?: string): Promise<PolicyView[]>;
  list(page: Page, ownerId?: string): Promise<ListResponse<PolicyView>>;
  update(id: string, patch: Partial<Omit<PolicyView, 'id' | 'createdAt' | 'updatedAt'>>): Promise<PolicyView>;
  delete(id: string): Promise<void>;
}

/** What `startExecution` needs besides the task: the claim's lease (docs/concurrency.md "The claim as one statement"). */
export interface ExecutionStart {
  machineId: string;
  taskId: string;
  /** The caller's owner when it sees only its own machines (`ownerFilter()`), else null. */
  ownerId: string | null;
  /** The lease: `now + (1 + fallbacks) × hopTimeoutMs + marginMs` (as `walkBoundMs`). */
  now: Date;
  hopTimeoutMs: number;
  marginMs: number;
  actor: string;
}

/** How an execution settles, for the one-statement path (no failed attempt to observe). */
export interface ExecutionSettle {
  taskId: string;
  runId: string;
  routeId: string;
  taskStatus: TaskView['status'];
  status: OutcomeView['status'];
  routeStatus: RouteView['status'];
  skillKey: string;
  serviceId: string;
  executionMode: OutcomeView['executionMode'];
  externalRef: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  result: unknown;
  attempts: RunView['attempts'];
  summary: string;
  /** Provider keys of the machine's endpoints that served an attempt: marked checked and healthy at `now`. */
  healthyProviderKeys: string[];
  now: Date;
  actor: string;
  eventType: 'task.executed' | 'task.failed';
}

/** A native hop's target: the service and the machine's endpoint for its provider, with the credential. */
export interface HopTarget {
  service: CatalogServiceView;
  endpoint: RuntimeEndpointView | null;
  authTokenCipher: string | null;
}

/**
 * The task lifecycle's writes as single auto-committed statements (docs/concurrency.md "The claim
 * as one statement"): each is atomic by itself, with its audit event, so none needs a transaction.
 */
export interface LifecycleRepo {
  /**
   * Claims the task for a new run and opens it, with its `run.started` event, when the machine is
   * active (and the caller's) and the task is executable with a route. Null: nothing was written
   * (the caller finds out why; errors are the slow path). `target` is the route's selected hop's
   * target, read by the same statement, so the walk's first hop needs no read of its own.
   */
  startExecution(
    input: ExecutionStart,
  ): Promise<{ task: TaskView; route: RouteView; run: RunView; target: HopTarget | null } | null>;
  /**
   * Inserts the task with its `task.created` event when the machine is active (and the caller's,
   * `ownerId` as in `startExecution`); null: nothing was written.
   */
  createTask(
    input: Omit<TaskView, 'id' | 'createdAt' | 'updatedAt' | 'routeId' | 'outcomeId'>,
    by: { ownerId: string | null; actor: string },
  ): Promise<TaskView | null>;
  /** The run's attempts so far and its `run.hop-started` event; null when the run is no longer running. */
  recordHop(
    runId: string,
    attempts: RunView['attempts'],
    event: { actor: string; taskId: string; hop: Record<string, unknown> },
  ): Promise<RunView | null>;
  /** A native hop's target (null: the service is no longer in the catalogue). */
  hopTarget(machineId: string, serviceId: string): Promise<HopTarget | null>;
  /** Settles task, outcome, run, route and endpoints with the event; null when the claim is no longer this run's. */
  settleExecution(
    input: ExecutionSettle,
  ): Promise<{ task: TaskView; route: RouteView | null; run: RunView; outcome: OutcomeView } | null>;
  /**
   * Moves the task to `resolved` from one of `from` with a new route, and records `task.resolved`;
   * null when the task was not in one of `from` (or not on this machine).
   */
  resolveTask(input: {
    machineId: string;
    taskId: string;
    from: readonly TaskView['status'][];
    route: Omit<RouteView, 'id' | 'createdAt' | 'updatedAt' | 'machineId' | 'taskId'>;
    actor: string;
  }): Promise<{ task: TaskView; route: RouteView } | null>;
}

/**
 * What discover and resolve read before scoring, all as of one statement (docs/api.md "Discovery
 * at catalogue scale"): the machine with what the guard needs, the task, the machine's endpoints
 * and governing policies, and the catalogue's version.
 */
export interface DiscoveryReads {
  /** Null when no machine has this id (the guard decides the rest: owner, status). */
  machine: Pick<MachineView, 'id' | 'status' | 'ownerId' | 'policyIds'> | null;
  /** Null when the machine has no task with this id. */
  task: TaskView | null;
  /** The machine's endpoints, oldest first (as `endpoints.listAll`). */
  endpoints: RuntimeEndpointView[];
  /** The policies of the machine's `policyIds`, oldest first (as `policies.getMany`). */
  policies: PolicyView[];
  /**
   * The task's type from the process's copy of the catalogue when the copy is at the version this
   * statement read; null otherwise (or without a task): then `catalogue.servicesOfType` reads it.
   * Shared: never mutate it.
   */
  services: readonly CatalogServiceView[] | null;
}

export interface DiscoveryRepo {
  /** Everything `DiscoveryReads` lists in one round trip; the guard's checks are the caller's. */
  read(machineId: string, taskId: string): Promise<DiscoveryReads>;
}

export interface Repos {
  audit: AuditRepo;
  machines: MachineRepo;
  identity: IdentityRepo;
  catalogue: CatalogueRepo;
  endpoints: RuntimeEndpointRepo;
  agents: AgentRepo;
  graph: GraphRepo;
  tasks: TaskRepo;
  routes: RouteRepo;
  outcomes: OutcomeRepo;
  runs: RunRepo;
  policies: PolicyRepo;
  lifecycle: LifecycleRepo;
  discovery: DiscoveryRepo;
}

/** Repositories plus a transaction: everything inside `transaction` commits or rolls back together. */
/** One heartbeat of the batched path (docs/liveness.md "Heartbeats in batches"). */
export interface LeaseRenewal {
  agentId: string;
  machineId: string;
  seenAt: Date;
  leaseExpiresAt: Date;
  leaseSeconds: number;
  /**
   * The endpoints the heartbeat declared, as they would be stored (no credential): the renewal
   * applies only when they are exactly the endpoints the agent owns, unchanged (docs/liveness.md
   * "Heartbeats in batches"); absent for a heartbeat without endpoints.
   */
  declared?: DeclaredEndpoint[];
}

export interface DeclaredEndpoint {
  providerKey: string;
  label: string;
  endpointBaseUrl: string;
  authType: string;
  modelAlias: string | null;
  networkScope: string;
  probePath: string;
  status: string;
  /** `authType: "none"` was sent: the stored credential must already be absent. */
  clearsToken: boolean;
}

export interface LeaseRenewed {
  item: MachineAgentView;
  endpoints: RuntimeEndpointView[];
  /** False when an endpoint the agent owned was not renewed (a sweep or a manual write raced it). */
  complete: boolean;
}

export interface HeartbeatRepo {
  /**
   * Renews many agents in one auto-committed statement: each agent marked seen, its endpoints'
   * leases extended, its `machine-agent.heartbeat` event inserted. An agent absent from the answer
   * was not written (unknown, revoked, machine not active, or a lapsed lease to revive).
   */
  renewMany(items: LeaseRenewal[]): Promise<Map<string, LeaseRenewed>>;
}

export interface Store extends Repos {
  /** Outside any transaction: each call is its own (one statement). */
  heartbeats: HeartbeatRepo;
  transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T>;
  ping(): Promise<boolean>;
}

/**
 * Wakes change-feed readers (docs/liveness.md "The change feed"): PostgreSQL LISTEN/NOTIFY, or
 * PGlite's in-process notifications. `machineId` is empty when unknown (wake everyone).
 */
export interface ChangeNotifier {
  subscribe(listener: (machineId: string) => void): () => void;
}

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

export type RuntimeErrorCode = 'RUNTIME_ERROR' | 'RUNTIME_UNREACHABLE' | 'RUNTIME_TIMEOUT';

/** One runtime call (context B5); the adapter picks the protocol from `providerKey`. */
export interface RuntimeCall {
  providerKey: string;
  endpointBaseUrl: string;
  /** The client refuses any address outside this scope (docs/trust.md "Outbound calls"). */
  networkScope: NetworkScope;
  authType: EndpointAuthType;
  /** The decrypted credential; never logged, never stored on a run. */
  authToken: string | null;
  modelAlias: string | null;
  taskId: string;
  skillKey: string;
  serviceId: string;
  operation: string | null;
  input: Record<string, unknown>;
  /** Bounds the whole attempt: connect, headers and body. */
  timeoutMs: number;
}

/** A call's answer as plain data; `message` classifies a failure in words, never a low-level name. */
export type RuntimeResult =
  | { ok: true; result: unknown; httpStatus: number }
  | { ok: false; code: RuntimeErrorCode; message: string; httpStatus: number | null };

/** A health probe: `GET endpointBaseUrl + probePath` (context C6). */
export interface ProbeTarget {
  endpointBaseUrl: string;
  probePath: string;
  networkScope: NetworkScope;
  authType: EndpointAuthType;
  authToken: string | null;
  timeoutMs: number;
}

/** `healthy` is a 2xx answer; otherwise `code`/`message` say why. */
export type ProbeResult =
  | { healthy: true; httpStatus: number; durationMs: number }
  | { healthy: false; code: RuntimeErrorCode; message: string; httpStatus: number | null; durationMs: number };

/**
 * How core reaches machine-side runtimes. `packages/runtime-http` implements it over HTTP; unit
 * tests pass a fake. Implementations resolve rather than throw for every runtime failure.
 */
export interface RuntimePort {
  invoke(call: RuntimeCall): Promise<RuntimeResult>;
  probe(target: ProbeTarget): Promise<ProbeResult>;
  /** Closes kept-alive connections (the server's shutdown); optional for fakes. */
  close?(): Promise<void>;
}
