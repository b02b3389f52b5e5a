import { Button } from '../../../components/ui/button.tsx';

/**
 * "Changed elsewhere": the element in the side panel changed on the server while it held unsaved
 * edits, or a save was refused as stale. Non-blocking: the form stays usable.
 */
export function ConflictNotice({
  what,
  fromVersion,
  toVersion,
  fields,
  onLoadTheirs,
  onKeepMine,
}: {
  what: string;
  fromVersion: number;
  toVersion: number;
  fields: string[];
  onLoadTheirs: () => void;
  onKeepMine: () => void;
}) {
  return (
    <div
      className="notice notice--warn inspector__conflict"
      role="status"
      data-testid="inspector-conflict"
      data-version={toVersion}
    >
      <div>
        <strong>{what}</strong> was changed elsewhere while you were editing (version {fromVersion} → {toVersion}
        {fields.length ? `: ${fields.join(', ')}` : ''}).
      </div>
      <div className="muted small">
        Load theirs drops your edits; keep mine saves only the fields you changed over theirs.
      </div>
      <div className="row gap-sm">
        <Button size="sm" onClick={onLoadTheirs} data-testid="inspector-conflict-theirs">
          Load theirs
        </Button>
        <Button size="sm" variant="primary" onClick={onKeepMine} data-testid="inspector-conflict-mine">
          Keep mine
        </Button>
      </div>
    </div>
  );
}
