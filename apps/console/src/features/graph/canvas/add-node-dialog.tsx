import { NODE_TYPES } from '@mm/contracts';
import type { NodeType } from '@mm/contracts';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Button } from '../../../components/ui/button.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { Modal } from '../../../components/ui/modal.tsx';
import { cssVar, NODE_LOOK } from '../graph-look.ts';

export function AddNodeDialog({
  onClose,
  onAdd,
}: {
  onClose: () => void;
  onAdd: (type: NodeType, title: string, refId: string) => void;
}) {
  const [type, setType] = useState<NodeType>('skill');
  const [title, setTitle] = useState('');
  const [refId, setRefId] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const t = title.trim() || NODE_LOOK[type].label;
    onAdd(type, t, refId.trim());
  };
  return (
    <Modal title="Add a node" onClose={onClose} testId="add-node-dialog">
      <form className="form" onSubmit={submit}>
        <div className="type-picker" role="radiogroup" aria-label="Node type">
          {NODE_TYPES.map((t) => (
            <button
              key={t}
              type="button"
              role="radio"
              aria-checked={t === type}
              className={`type-picker__item${t === type ? ' is-active' : ''}`}
              style={cssVar('--node', NODE_LOOK[t].color)}
              onClick={() => setType(t)}
              data-testid={`add-node-type-${t}`}
            >
              <span className="type-picker__icon">{NODE_LOOK[t].icon}</span>
              <span className="type-picker__label">{NODE_LOOK[t].label}</span>
              <span className="type-picker__hint">{NODE_LOOK[t].hint}</span>
            </button>
          ))}
        </div>
        <div className="form__grid">
          <Field label="Title">
            <input
              autoFocus
              value={title}
              onChange={(e) => setTitle(e.target.value)}
              placeholder={NODE_LOOK[type].label}
              data-testid="add-node-title"
            />
          </Field>
          <Field label="Reference id" hint="optional: a task, run or endpoint id shows its live status">
            <input value={refId} onChange={(e) => setRefId(e.target.value)} data-testid="add-node-ref" />
          </Field>
        </div>
        <div className="form__actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" data-testid="add-node-submit">
            Add {NODE_LOOK[type].label.toLowerCase()}
          </Button>
        </div>
      </form>
    </Modal>
  );
}
