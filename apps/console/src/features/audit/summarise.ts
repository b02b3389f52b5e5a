import type { AuditEventView } from '@mm/contracts';

type Rec = Record<string, unknown>;

const rec = (v: unknown): Rec => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const quoted = (name: string | undefined, fallback: string) => (name ? `‘${name}’` : fallback);

/** "title, status" or "position" → words for what changed. */
function changedOf(payload: Rec): string[] {
  return strings(payload.changed);
}

function nodeVerb(changed: string[]): string {
  if (changed.length === 1 && changed[0] === 'position') return 'moved';
  if (changed.length === 1 && changed[0] === 'title') return 'renamed';
  return changed.length ? `updated (${changed.join(', ')})` : 'updated';
}

function machineUpdate(e: AuditEventView, p: Rec): string {
  const machine = rec(p.machine);
  const status = str(machine.status);
  const parts = changedOf(p).map((c) => (c === 'status' && status ? `status → ${status}` : c));
  const reason = str(p.reason);
  const name = quoted(str(machine.displayName), e.resourceId);
  return `machine ${name} updated${parts.length ? `: ${parts.join(', ')}` : ''}${reason ? ` (${reason})` : ''}`;
}

function taskName(p: Rec): string {
  return quoted(str(rec(p.task).taskType), 'task');
}

function taskSettled(e: AuditEventView, p: Rec): string {
  const outcome = rec(p.outcome);
  const service = str(outcome.serviceId);
  const via = service ? ` via ${service}` : '';
  if (e.type === 'task.failed') {
    if (p.reason === 'interrupted') return `task ${taskName(p)} failed: interrupted`;
    const code = str(outcome.errorCode);
    return `task ${taskName(p)} failed${code ? `: ${code}` : ''}${service ? ` at ${service}` : ''}`;
  }
  if (outcome.status === 'external') return `task ${taskName(p)} handed off${via}`;
  return `task ${taskName(p)} completed${via}`;
}

/** The sentence without its "by …": what happened to which resource. */
function what(e: AuditEventView): string {
  const p = e.payload;
  switch (e.type) {
    case 'machine.created':
      return `machine ${quoted(str(rec(p.machine).displayName), e.resourceId)} created`;
    case 'machine.updated':
      return machineUpdate(e, p);
    case 'machine-identity.challenge-created':
      return `identity challenge issued for ${str(p.identityRef) ?? e.resourceId}`;
    case 'machine-identity.controllers-set': {
      const n = strings(rec(p.item).controllerAddresses).length;
      return `controllers of ${e.resourceId} set (${n} address${n === 1 ? '' : 'es'})`;
    }
    case 'runtime-endpoint.upserted': {
      const key = quoted(str(rec(p.endpoint).providerKey), 'endpoint');
      return `endpoint ${key} ${p.created === true ? 'added' : 'updated'}`;
    }
    case 'runtime-endpoint.deleted':
      return `endpoint ${quoted(str(rec(p.endpoint).providerKey), e.resourceId)} deleted`;
    case 'runtime-endpoint.status-changed': {
      const key = quoted(str(rec(p.endpoint).providerKey), 'endpoint');
      const reason = str(p.reason);
      return `endpoint ${key} ${str(p.from) ?? '?'} → ${str(p.to) ?? '?'}${reason ? ` (${reason})` : ''}`;
    }
    case 'machine-agent.enrolled':
      return `agent ${quoted(str(rec(p.agent).label), e.resourceId)} enrolled`;
    case 'machine-agent.heartbeat': {
      const n = Array.isArray(p.endpoints) ? p.endpoints.length : 0;
      return `agent ${quoted(str(rec(p.agent).label), e.resourceId)} heartbeat (${n} endpoint${n === 1 ? '' : 's'})`;
    }
    case 'machine-agent.revoked':
      return `agent ${quoted(str(rec(p.agent).label), e.resourceId)} revoked`;
    case 'graph.node.created': {
      const node = rec(p.node);
      const type = str(node.type);
      return `node ${quoted(str(node.title), e.resourceId)}${type ? ` (${type})` : ''} added`;
    }
    case 'graph.node.updated':
      return `node ${quoted(str(rec(p.node).title), e.resourceId)} ${nodeVerb(changedOf(p))}`;
    case 'graph.node.deleted':
      return `node ${quoted(str(rec(p.node).title), e.resourceId)} deleted`;
    case 'graph.edge.created':
    case 'graph.edge.updated':
    case 'graph.edge.deleted': {
      const edge = rec(p.edge);
      const name = str(edge.label) ? `‘${str(edge.label)}’` : (str(edge.type) ?? e.resourceId);
      const verb = e.type.slice('graph.edge.'.length);
      const changed = changedOf(p);
      const reason = str(p.reason);
      return `edge ${name} ${verb}${changed.length ? ` (${changed.join(', ')})` : ''}${reason ? ` (${reason})` : ''}`;
    }
    case 'task.created':
      return `task ${taskName(p)} created`;
    case 'task.discovered': {
      const n = Array.isArray(p.candidates) ? p.candidates.length : 0;
      const excluded = num(p.excludedTotal) ?? (Array.isArray(p.excluded) ? p.excluded.length : 0);
      return `task discovery: ${n} candidate${n === 1 ? '' : 's'}, ${excluded} excluded`;
    }
    case 'task.resolved': {
      const service = str(rec(p.route).selectedServiceId);
      return `task ${taskName(p)} resolved${service ? ` to ${service}` : ''}`;
    }
    case 'task.executed':
    case 'task.failed':
      return taskSettled(e, p);
    case 'run.started': {
      const service = str(rec(p.run).serviceId);
      return `run started${service ? ` on ${service}` : ''}`;
    }
    case 'run.hop-started': {
      const hop = rec(p.hop);
      const n = num(hop.hop);
      const of = num(hop.of);
      return `run trying hop ${n ?? '?'}${of ? ` of ${of}` : ''}: ${str(hop.serviceId) ?? 'unknown service'}`;
    }
    case 'policy.created':
    case 'policy.deleted':
      return `policy ${quoted(str(rec(p.policy).name), e.resourceId)} ${e.type === 'policy.created' ? 'created' : 'deleted'}`;
    case 'policy.updated': {
      const changed = changedOf(p);
      return `policy ${quoted(str(rec(p.policy).name), e.resourceId)} updated${changed.length ? ` (${changed.join(', ')})` : ''}`;
    }
    case 'skill.upserted':
      return `skill ${quoted(str(rec(p.skill).key), e.resourceId)} ${p.created === true ? 'added' : 'updated'}`;
    case 'market-service.upserted':
      return `service ${quoted(str(rec(p.service).name), e.resourceId)} ${p.created === true ? 'added' : 'updated'}`;
    default:
      return `${e.type} on ${e.resourceType} ${e.resourceId}`;
  }
}

/**
 * One readable line for an audit event: what changed, on which resource, and who asked
 * ("node ‘Camera’ moved by alice"), from its type and payload. Unknown types and payloads of
 * another shape still read as a sentence; nothing throws.
 */
export function summarise(event: AuditEventView): string {
  return `${what(event)} by ${event.principal || event.actor}`;
}

export interface ResourceLink {
  to: string;
  label: string;
}

/**
 * Where the console shows an event's resource: the machine, its graph (focused on the node), the
 * task driver, the run, the endpoints or agents tab, the policy. Null when the console has no page
 * for it (identities, the catalogue).
 */
export function resourceLinkOf(e: AuditEventView): ResourceLink | null {
  const m = e.machineId;
  const p = e.payload;
  const enc = encodeURIComponent;
  switch (e.resourceType) {
    case 'machine':
      return { to: `/machines/${enc(e.resourceId)}`, label: 'machine' };
    case 'graph-node':
      if (!m) return null;
      return e.type === 'graph.node.deleted'
        ? { to: `/machines/${enc(m)}/graph`, label: 'graph' }
        : { to: `/machines/${enc(m)}/graph?node=${enc(e.resourceId)}`, label: 'node in graph' };
    case 'graph-edge': {
      if (!m) return null;
      const source = str(rec(p.edge).sourceNodeId);
      return e.type === 'graph.edge.deleted' || !source
        ? { to: `/machines/${enc(m)}/graph`, label: 'graph' }
        : { to: `/machines/${enc(m)}/graph?node=${enc(source)}`, label: 'edge in graph' };
    }
    case 'task':
      return m ? { to: `/machines/${enc(m)}/tasks/${enc(e.resourceId)}`, label: 'task' } : null;
    case 'run':
      return m ? { to: `/machines/${enc(m)}/runs/${enc(e.resourceId)}`, label: 'run' } : null;
    case 'route':
    case 'outcome': {
      const taskId = str(rec(p[e.resourceType]).taskId) ?? str(p.taskId);
      return m && taskId ? { to: `/machines/${enc(m)}/tasks/${enc(taskId)}`, label: 'task' } : null;
    }
    case 'runtime-endpoint':
      return m ? { to: `/machines/${enc(m)}/endpoints`, label: 'endpoints' } : null;
    case 'machine-agent':
      return m ? { to: `/machines/${enc(m)}/agents`, label: 'agents' } : null;
    case 'policy':
      return e.type === 'policy.deleted' ? null : { to: `/policies/${enc(e.resourceId)}`, label: 'policy' };
    default:
      return null;
  }
}
