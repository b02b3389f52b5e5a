import type { NodeType } from '@mm/contracts';

/** Icon and one-line purpose per node type; colours live in styles.css as `.gnode--<type>`. */
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
