/**
 * Walking a route's hops (context B5, B9): the selected hop, then the fallback chain; native hops
 * on the machine's runtime endpoints, each attempt recorded; a handoff hop takes over when every
 * native hop failed. No transaction is held while runtimes are called.
 */
import type { CatalogServiceView, ExternalHandoff, FallbackHop, RouteView, RunAttempt, TaskView } from '@mm/contracts';
import type { CoreConfig } from '../deps.ts';
import { endpointProblem } from '../engine/scoring.ts';
import { endpointCredentialContext } from '../lib/secrets.ts';
import type { SecretBox } from '../lib/secrets.ts';
import type {
  Clock,
  HopTarget,
  IdentityResolver,
  RuntimeCall,
  RuntimeErrorCode,
  RuntimePort,
  RuntimeResult,
  Store,
} from '../ports.ts';

export interface ExecuteDeps {
  store: Store;
  config: CoreConfig;
  clock: Clock;
  secrets: SecretBox;
  runtime: RuntimePort;
  /** Who resolves identities for the machine guard; the local registry when absent. */
  identityResolver?: IdentityResolver | undefined;
}

export type Walk =
  | {
      kind: 'served';
      hop: FallbackHop;
      service: CatalogServiceView;
      result: unknown;
      attempts: RunAttempt[];
    }
  | {
      kind: 'handoff';
      hop: FallbackHop;
      service: CatalogServiceView | null;
      handoff: ExternalHandoff;
      attempts: RunAttempt[];
    }
  | {
      kind: 'failed';
      hop: FallbackHop;
      code: RuntimeErrorCode;
      message: string;
      attempts: RunAttempt[];
    };

function attemptOf(
  index: number,
  hop: FallbackHop,
  started: Date,
  clock: Clock,
  fields: Partial<RunAttempt> & Pick<RunAttempt, 'status'>,
): RunAttempt {
  return {
    hop: index,
    skillKey: hop.skillKey,
    serviceId: hop.serviceId,
    executionMode: hop.executionMode,
    providerKey: null,
    endpointBaseUrl: null,
    startedAt: started.toISOString(),
    durationMs: Math.max(0, clock.now().getTime() - started.getTime()),
    errorCode: null,
    errorMessage: null,
    httpStatus: null,
    ...fields,
  };
}

/**
 * A native hop about to be called, with the attempts before it: what `onHop` hears so the run can
 * say which hop it is on while the runtime answers (docs/console.md "Hop progress").
 */
export interface HopStart {
  /** 1-based, as `RunAttempt.hop`. */
  hop: number;
  /** How many hops the route has (the selected one plus its fallback chain). */
  of: number;
  skillKey: string;
  serviceId: string;
  executionMode: FallbackHop['executionMode'];
  providerKey: string;
  endpointBaseUrl: string;
  startedAt: string;
  /** The attempts settled before this hop, in order. */
  attempts: RunAttempt[];
}

/**
 * How long a native hop's call runs before its progress (`run.hop-started`) is written: long enough
 * that a runtime answering at once costs no write, short enough that a person watching sees the hop
 * (docs/console.md "Hop progress").
 */
export const HOP_PROGRESS_DELAY_MS = 50;

/** The port resolves every runtime failure; a throw is a defect, reported without its text. */
async function invokeSafely(runtime: RuntimePort, call: RuntimeCall): Promise<RuntimeResult> {
  try {
    return await runtime.invoke(call);
  } catch {
    return { ok: false, code: 'RUNTIME_ERROR', message: 'runtime call failed', httpStatus: null };
  }
}

/** Phase 2: no transaction is held while runtimes are called. */
export async function walk(
  deps: ExecuteDeps,
  task: TaskView,
  route: RouteView,
  input: Record<string, unknown>,
  onHop?: (start: HopStart) => Promise<void>,
  /** The selected hop's target when the claim already read it (docs/concurrency.md "The claim as one statement"). */
  selectedTarget?: { target: HopTarget | null },
): Promise<Walk> {
  let progress: Promise<void> = Promise.resolve();
  const selected: FallbackHop = {
    skillKey: route.selectedSkillKey,
    serviceId: route.selectedServiceId,
    executionMode: route.executionMode,
  };
  if (route.executionMode === 'external-handoff' && route.handoff) {
    const attempt = attemptOf(1, selected, deps.clock.now(), deps.clock, {
      status: 'handed_off',
    });
    return {
      kind: 'handoff',
      hop: selected,
      service: null,
      handoff: route.handoff,
      attempts: [attempt],
    };
  }
  const hops = [selected, ...route.fallbackChain];
  const attempts: RunAttempt[] = [];
  let last: { hop: FallbackHop; code: RuntimeErrorCode; message: string } = {
    hop: selected,
    code: 'RUNTIME_UNREACHABLE',
    message: 'no native hop could be tried',
  };
  for (const [i, hop] of hops.entries()) {
    if (hop.executionMode !== 'native') continue;
    const started = deps.clock.now();
    // One read: the service, the machine's endpoint for its provider and the credential; for the
    // selected hop (the first), the claim's statement has read it already.
    const target =
      i === 0 && selectedTarget
        ? selectedTarget.target
        : await deps.store.lifecycle.hopTarget(task.machineId, hop.serviceId);
    const service = target?.service;
    if (!service) {
      attempts.push(
        attemptOf(i + 1, hop, started, deps.clock, {
          status: 'skipped',
          errorCode: 'RUNTIME_UNREACHABLE',
          errorMessage: `service ${hop.serviceId} is no longer in the catalogue`,
        }),
      );
      continue;
    }
    const endpoint = target.endpoint;
    const base = {
      providerKey: service.providerKey,
      endpointBaseUrl: endpoint?.endpointBaseUrl ?? null,
    };
    const problem = endpointProblem(endpoint ?? undefined, service.providerKey, started);
    if (problem || !endpoint) {
      last = {
        hop,
        code: 'RUNTIME_UNREACHABLE',
        message: problem ?? 'no endpoint',
      };
      attempts.push(
        attemptOf(i + 1, hop, started, deps.clock, {
          ...base,
          status: 'skipped',
          errorCode: last.code,
          errorMessage: last.message,
        }),
      );
      continue;
    }
    const cipher = target.authTokenCipher;
    let authToken: string | null = null;
    let response: RuntimeResult | null = null;
    try {
      // The credential opens only for the endpoint and URL it was stored with (docs/trust.md
      // "Credentials"); a mismatch fails the hop rather than send the token anywhere else.
      authToken = cipher
        ? deps.secrets.open(
            cipher,
            endpointCredentialContext(task.machineId, service.providerKey, endpoint.endpointBaseUrl),
          )
        : null;
    } catch {
      response = {
        ok: false,
        code: 'RUNTIME_ERROR',
        message: 'the stored credential cannot be decrypted for this endpoint (URL changed, or MM_SECRET_KEY changed?)',
        httpStatus: null,
      };
    }
    let report: ReturnType<typeof setTimeout> | undefined;
    if (!response && onHop) {
      // Reported only for a hop still running HOP_PROGRESS_DELAY_MS after its call went out
      // (docs/console.md "Hop progress"): a hop that answers sooner settles with no write beside
      // it, so the execution's statements stay the claim and the settle. Never awaited: the write
      // runs beside the runtime call; the writes are chained, so they land in hop order, and one
      // that comes after the settle is dropped by its guard (the run is no longer running).
      const start = {
        hop: i + 1,
        of: hops.length,
        ...hop,
        providerKey: service.providerKey,
        endpointBaseUrl: endpoint.endpointBaseUrl,
        startedAt: started.toISOString(),
        attempts: [...attempts],
      };
      report = setTimeout(() => {
        progress = progress.then(() => onHop(start));
      }, HOP_PROGRESS_DELAY_MS);
    }
    response ??= await invokeSafely(deps.runtime, {
      providerKey: service.providerKey,
      endpointBaseUrl: endpoint.endpointBaseUrl,
      networkScope: endpoint.networkScope,
      authType: endpoint.authType,
      authToken,
      modelAlias: endpoint.modelAlias,
      taskId: task.id,
      skillKey: service.skillKey,
      serviceId: service.id,
      operation: task.operation ?? service.operations[0] ?? null,
      input,
      timeoutMs: deps.config.runtimeTimeoutMs,
    });
    clearTimeout(report);
    if (response.ok) {
      attempts.push(
        attemptOf(i + 1, hop, started, deps.clock, {
          ...base,
          status: 'succeeded',
          httpStatus: response.httpStatus,
        }),
      );
      return {
        kind: 'served',
        hop,
        service,
        result: response.result,
        attempts,
      };
    }
    last = { hop, code: response.code, message: response.message };
    attempts.push(
      attemptOf(i + 1, hop, started, deps.clock, {
        ...base,
        status: 'failed',
        errorCode: response.code,
        errorMessage: response.message,
        httpStatus: response.httpStatus,
      }),
    );
  }
  // Every native hop failed: a remaining handoff hop takes over (context B9).
  for (const [i, hop] of hops.entries()) {
    if (hop.executionMode !== 'external-handoff') continue;
    const service = await deps.store.catalogue.getService(hop.serviceId);
    if (!service?.handoff) continue;
    attempts.push(
      attemptOf(i + 1, hop, deps.clock.now(), deps.clock, {
        status: 'handed_off',
        providerKey: service.providerKey,
      }),
    );
    return {
      kind: 'handoff',
      hop,
      service,
      handoff: service.handoff,
      attempts,
    };
  }
  return { kind: 'failed', ...last, attempts };
}
