import type { EdgeType, NodeType } from '@mm/contracts';

/**
 * The one source of the graph's colours: node accents (nodes, type picker, inspector, minimap) and
 * edge strokes (edges, edge-type chips). Components put the colour into a `--node` / `--edge` CSS
 * variable; graph.css only says where it is used.
 */
export const NODE_LOOK: Record<NodeType, { icon: string; label: string; hint: string; color: string }> = {
  machine: { icon: '⚙', label: 'Machine', hint: 'the machine itself', color: '#4f8cff' },
  trigger: { icon: '⚡', label: 'Trigger', hint: 'what starts a flow', color: '#f5a524' },
  skill: { icon: '✦', label: 'Skill', hint: 'a capability contract', color: '#17c964' },
  task: { icon: '☑', label: 'Task', hint: 'a discover/resolve/execute job', color: '#06b6d4' },
  policy: { icon: '⚖', label: 'Policy', hint: 'rules discovery applies', color: '#f31260' },
  discovery: { icon: '⌕', label: 'Discovery', hint: 'candidate search', color: '#a78bfa' },
  storage: { icon: '▤', label: 'Storage', hint: 'object storage', color: '#94a3b8' },
  memory: { icon: '◈', label: 'Memory', hint: 'state the machine keeps', color: '#c084fc' },
  handoff: { icon: '↗', label: 'Handoff', hint: 'external provider', color: '#fb7185' },
  route: { icon: '⇢', label: 'Route', hint: 'the selected path', color: '#38bdf8' },
  outcome: { icon: '◎', label: 'Outcome', hint: 'what a run produced', color: '#84cc16' },
  'catalog-entry': { icon: '▦', label: 'Catalog entry', hint: 'a market service', color: '#eab308' },
};

export interface EdgeLook {
  color: string;
  /** SVG stroke-dasharray, or undefined for a solid line. */
  dash: string | undefined;
  hint: string;
}

const SOLID = undefined;
export const EDGE_LOOK: Record<EdgeType, EdgeLook> = {
  connects: { color: '#6b7b94', dash: SOLID, hint: 'a plain link' },
  request: { color: '#06b6d4', dash: SOLID, hint: 'asks for a service' },
  discover: { color: '#a78bfa', dash: '5 3', hint: 'candidate search' },
  candidate: { color: '#c084fc', dash: '3 3', hint: 'a discovered option' },
  route: { color: '#38bdf8', dash: SOLID, hint: 'part of a route' },
  'route-select': { color: '#4f8cff', dash: SOLID, hint: 'the chosen path' },
  'route-source': { color: '#7dd3fc', dash: '5 3', hint: 'where a route starts' },
  execute: { color: '#22d3ee', dash: SOLID, hint: 'runs the route' },
  handoff: { color: '#fb7185', dash: '4 3', hint: 'to an external provider' },
  result: { color: '#84cc16', dash: SOLID, hint: 'what came back' },
  receipt: { color: '#eab308', dash: '2 4', hint: 'proof of a transaction' },
  sync: { color: '#94a3b8', dash: '2 4', hint: 'kept in step' },
  allow: { color: '#2fbf71', dash: SOLID, hint: 'a policy allows' },
  deny: { color: '#f05d6c', dash: '6 4', hint: 'a policy denies' },
  constrain: { color: '#f5a524', dash: '6 3', hint: 'a policy constrains' },
};

/** A CSS custom property carrying a colour, for `style={…}`. */
export const cssVar = (name: '--node' | '--edge', color: string) => ({ [name]: color }) as Record<string, string>;
