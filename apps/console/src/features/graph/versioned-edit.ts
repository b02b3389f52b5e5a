/**
 * Editing a record that others may change at the same time (docs/concurrency.md "Graph: merges and
 * versions"). The side panel keeps three things apart:
 * - `base`: the record the form was filled from; what the operator changed is the form against it;
 * - `against`: the record a save applies to; its `version` is the save's `expectedVersion`, and
 *   the undo values come from it;
 * - the latest record the server has (from the change feed).
 * "Keep mine" moves `against` to theirs and keeps `base`, so a save sends only the fields the
 * operator changed and leaves the others as the other writer left them. Pure; unit-tested.
 */
import type { EdgeType, GraphEdgeView, GraphNodeView, NodeStatus, NodeType } from '@mm/contracts';
import { parseJsonObject, prettyJson } from '../../lib/format.ts';
import type { EdgePatch, NodePatch } from './command-stack.ts';

export interface NodeValues {
  title: string;
  type: NodeType;
  status: NodeStatus;
  refId: string;
  dataText: string;
}

export interface EdgeValues {
  type: EdgeType;
  label: string;
  dataText: string;
}

export const nodeValuesOf = (n: GraphNodeView): NodeValues => ({
  title: n.title,
  type: n.type,
  status: n.status,
  refId: n.refId ?? '',
  dataText: prettyJson(n.data),
});

export const edgeValuesOf = (e: GraphEdgeView): EdgeValues => ({
  type: e.type,
  label: e.label ?? '',
  dataText: prettyJson(e.data),
});

/**
 * One text for equal JSON: keys sorted (PostgreSQL's jsonb reorders them) and null-valued keys
 * dropped (the form removes a key by sending null, and the server stores the null).
 */
function canonical(value: unknown): string {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) {
        const x = (v as Record<string, unknown>)[k];
        if (x !== null && x !== undefined) out[k] = walk(x);
      }
      return out;
    }
    return v;
  };
  return JSON.stringify(walk(value));
}

/** The data text as canonical JSON, or the raw text when it does not parse. */
const dataKey = (text: string) => {
  const parsed = parseJsonObject(text);
  return parsed.ok ? canonical(parsed.value) : `invalid:${text}`;
};

const NODE_FIELDS = ['title', 'type', 'status', 'refId'] as const;
const EDGE_FIELDS = ['type', 'label'] as const;

/** Names of the form fields whose values differ ("title", "data"…). */
export function changedNodeFields(a: NodeValues, b: NodeValues): string[] {
  const out: string[] = NODE_FIELDS.filter((f) => a[f].trim() !== b[f].trim());
  if (dataKey(a.dataText) !== dataKey(b.dataText)) out.push('data');
  return out;
}

export function changedEdgeFields(a: EdgeValues, b: EdgeValues): string[] {
  const out: string[] = EDGE_FIELDS.filter((f) => a[f].trim() !== b[f].trim());
  if (dataKey(a.dataText) !== dataKey(b.dataText)) out.push('data');
  return out;
}

export type Arrival =
  /** Not newer than what the form saves against (a stale refetch, or already handled). */
  | 'ignore'
  /** Newer, but none of the form's fields changed (a move): save against it, keep the form. */
  | 'rebase'
  /** Newer and nothing of the operator's would be lost (form untouched, or equal to it): show it. */
  | 'adopt'
  /** Newer, and it differs from unsaved edits: ask. */
  | 'conflict';

/** What to do when the server's record of the form's element changes. */
export function arrivalOf<V>(p: {
  againstVersion: number;
  latestVersion: number;
  /** Form fields that differ between two value sets. */
  diff: (a: V, b: V) => string[];
  values: V;
  base: V;
  against: V;
  latest: V;
}): Arrival {
  if (p.latestVersion <= p.againstVersion) return 'ignore';
  if (p.diff(p.latest, p.against).length === 0) return 'rebase';
  if (p.diff(p.values, p.base).length === 0) return 'adopt';
  if (p.diff(p.values, p.latest).length === 0) return 'adopt';
  return 'conflict';
}

/** Keys of `mine` that the operator changed from `base`, with undo values from `against`. */
function dataSave(
  base: Record<string, unknown>,
  mine: Record<string, unknown>,
  against: Record<string, unknown>,
): { forward: Record<string, unknown>; backward: Record<string, unknown> } | null {
  const forward: Record<string, unknown> = {};
  const backward: Record<string, unknown> = {};
  for (const k of new Set([...Object.keys(base), ...Object.keys(mine)])) {
    const was = Object.hasOwn(base, k) ? base[k] : null;
    const now = Object.hasOwn(mine, k) ? mine[k] : null;
    if (canonical({ v: was }) === canonical({ v: now })) continue;
    const theirs = Object.hasOwn(against, k) ? against[k] : null;
    if (canonical({ v: theirs }) === canonical({ v: now })) continue;
    forward[k] = now;
    backward[k] = theirs;
  }
  return Object.keys(forward).length ? { forward, backward } : null;
}

/** The update to send for a node form: only what the operator changed, undo values from `against`. */
export function nodeSave(
  base: GraphNodeView,
  against: GraphNodeView,
  values: NodeValues,
): { before: NodePatch; after: NodePatch } | null {
  const data = parseJsonObject(values.dataText);
  if (!data.ok || !values.title.trim()) return null;
  const was = nodeValuesOf(base);
  const before: NodePatch = {};
  const after: NodePatch = {};
  const title = values.title.trim();
  if (title !== was.title && title !== against.title) [before.title, after.title] = [against.title, title];
  if (values.type !== was.type && values.type !== against.type) [before.type, after.type] = [against.type, values.type];
  if (values.status !== was.status && values.status !== against.status)
    [before.status, after.status] = [against.status, values.status];
  const refId = values.refId.trim() || null;
  if (refId !== (base.refId ?? null) && refId !== (against.refId ?? null))
    [before.refId, after.refId] = [against.refId ?? null, refId];
  const dp = dataSave(base.data, data.value, against.data);
  if (dp) [before.data, after.data] = [dp.backward, dp.forward];
  return Object.keys(after).length ? { before, after } : null;
}

/** The update to send for an edge form. */
export function edgeSave(
  base: GraphEdgeView,
  against: GraphEdgeView,
  values: EdgeValues,
): { before: EdgePatch; after: EdgePatch } | null {
  const data = parseJsonObject(values.dataText);
  if (!data.ok) return null;
  const before: EdgePatch = {};
  const after: EdgePatch = {};
  if (values.type !== base.type && values.type !== against.type)
    [before.type, after.type] = [against.type, values.type];
  const label = values.label.trim() || null;
  if (label !== (base.label ?? null) && label !== (against.label ?? null))
    [before.label, after.label] = [against.label ?? null, label];
  const dp = dataSave(base.data, data.value, against.data);
  if (dp) [before.data, after.data] = [dp.backward, dp.forward];
  return Object.keys(after).length ? { before, after } : null;
}

/** The current record a 409 VERSION_CONFLICT carries (`details.current`), when it is the one asked for. */
export function conflictRecord<R extends { id: string; version: number }>(
  details: Record<string, unknown> | undefined,
  id: string,
): R | null {
  const current = details?.current;
  if (current === null || typeof current !== 'object') return null;
  const r = current as Partial<R>;
  return r.id === id && typeof r.version === 'number' ? (current as R) : null;
}
