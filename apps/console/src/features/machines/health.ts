/**
 * Health at a glance, from the endpoints and agents list queries: how many of a machine's runtime
 * endpoints are active, degraded or unreachable, and its agents' states. Pure; health.test.ts.
 */
export interface EndpointHealth {
  active: number;
  degraded: number;
  unreachable: number;
  total: number;
  /** The worst state present: what a one-word summary should say. */
  tone: 'green' | 'amber' | 'red' | 'grey';
  summary: string;
}

export function endpointHealthOf(endpoints: readonly { status: string }[]): EndpointHealth {
  const h = { active: 0, degraded: 0, unreachable: 0 };
  for (const e of endpoints) if (e.status in h) h[e.status as keyof typeof h] += 1;
  const total = endpoints.length;
  const tone = total === 0 ? 'grey' : h.unreachable > 0 ? 'red' : h.degraded > 0 ? 'amber' : 'green';
  const parts = [
    h.unreachable ? `${h.unreachable} unreachable` : '',
    h.degraded ? `${h.degraded} degraded` : '',
    h.active ? `${h.active} active` : '',
  ].filter(Boolean);
  const summary = total === 0 ? 'no endpoints' : `${parts.join(', ')} of ${total}`;
  return { ...h, total, tone, summary };
}

export interface AgentHealth {
  active: number;
  provisioned: number;
  revoked: number;
  total: number;
  summary: string;
}

export function agentHealthOf(agents: readonly { status: string }[]): AgentHealth {
  const h = { active: 0, provisioned: 0, revoked: 0 };
  for (const a of agents) if (a.status in h) h[a.status as keyof typeof h] += 1;
  const total = agents.length;
  const parts = [
    h.active ? `${h.active} active` : '',
    h.provisioned ? `${h.provisioned} waiting` : '',
    h.revoked ? `${h.revoked} revoked` : '',
  ].filter(Boolean);
  return { ...h, total, summary: total === 0 ? 'no agents' : parts.join(', ') };
}

/** The machines list's search (display name or identity, case-insensitive) and status filter. */
export function filterMachines<M extends { displayName: string; identityRef: string; status: string }>(
  items: readonly M[],
  filter: { q?: string | null; status?: string | null },
): M[] {
  const q = (filter.q ?? '').trim().toLowerCase();
  return items.filter(
    (m) =>
      (!filter.status || m.status === filter.status) &&
      (!q || m.displayName.toLowerCase().includes(q) || m.identityRef.toLowerCase().includes(q)),
  );
}
