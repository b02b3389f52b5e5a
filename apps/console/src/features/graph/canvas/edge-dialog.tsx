import { EDGE_TYPES } from '@mm/contracts';
import type { EdgeType } from '@mm/contracts';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Button } from '../../../components/ui/button.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { Modal } from '../../../components/ui/modal.tsx';
import { cssVar, EDGE_LOOK } from '../graph-look.ts';

export function EdgeDialog({
  sourceTitle,
  targetTitle,
  onClose,
  onCreate,
}: {
  sourceTitle: string;
  targetTitle: string;
  onClose: () => void;
  onCreate: (type: EdgeType, label: string) => void;
}) {
  const [type, setType] = useState<EdgeType>('connects');
  const [label, setLabel] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onCreate(type, label.trim());
  };
  return (
    <Modal title="Connect nodes" onClose={onClose} testId="edge-dialog">
      <form className="form" onSubmit={submit}>
        <p className="muted">
          <strong>{sourceTitle}</strong> → <strong>{targetTitle}</strong>
        </p>
        <div className="edge-type-grid" role="radiogroup" aria-label="Edge type">
          {EDGE_TYPES.map((t) => (
            <button
              key={t}
              type="button"
              role="radio"
              aria-checked={t === type}
              className={`chip-btn gedge-chip${t === type ? ' is-active' : ''}`}
              style={cssVar('--edge', EDGE_LOOK[t].color)}
              title={EDGE_LOOK[t].hint}
              onClick={() => setType(t)}
              data-testid={`edge-type-${t}`}
            >
              {t}
            </button>
          ))}
        </div>
        <Field label="Label" hint="optional; the edge shows its type when empty">
          <input value={label} onChange={(e) => setLabel(e.target.value)} data-testid="edge-dialog-label" />
        </Field>
        <div className="form__actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" data-testid="edge-dialog-submit">
            Connect as {type}
          </Button>
        </div>
      </form>
    </Modal>
  );
}
