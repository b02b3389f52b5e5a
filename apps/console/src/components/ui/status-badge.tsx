import { memo } from 'react';
import type { ReactNode } from 'react';

type Tone = 'green' | 'blue' | 'amber' | 'red' | 'grey' | 'violet';

const TONES: Record<string, Tone> = {
  active: 'green',
  completed: 'green',
  succeeded: 'green',
  selected: 'blue',
  resolved: 'blue',
  queued: 'grey',
  draft: 'grey',
  provisioned: 'blue',
  pending: 'grey',
  running: 'blue',
  executing: 'blue',
  resolving: 'blue',
  degraded: 'amber',
  skipped: 'amber',
  external: 'violet',
  handed_off: 'violet',
  'external-handoff': 'violet',
  native: 'green',
  manual: 'grey',
  agent: 'blue',
  blocked: 'red',
  failed: 'red',
  unreachable: 'red',
  revoked: 'red',
  archived: 'grey',
  expired: 'red',
};

export function toneOf(status: string): Tone {
  return TONES[status] ?? 'grey';
}

export const StatusBadge = memo(function StatusBadge({
  status,
  label,
  testId,
}: {
  status: string;
  label?: string;
  testId?: string;
}) {
  return (
    <span className={`badge badge--${toneOf(status)}`} data-testid={testId} data-status={status}>
      <span className="badge__dot" aria-hidden />
      {label ?? status}
    </span>
  );
});

export function Tag({ children }: { children: ReactNode }) {
  return <span className="tag">{children}</span>;
}
