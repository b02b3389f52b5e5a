import { useCallback, useEffect, useRef } from 'react';
import type { RefObject } from 'react';
import { useToast } from '../../../components/ui/toast.tsx';
import { appErrorOf } from '../../../lib/errors.ts';
import type { GraphCommand } from '../command-stack.ts';
import { isVersionConflict } from '../hooks/use-graph-commands.ts';
import { conflictRecord } from '../versioned-edit.ts';

export interface FormProps {
  /** Sends the command; resolves to its failure, or null once it is saved. */
  onSave: (c: GraphCommand) => Promise<unknown>;
  /** The form's edits reached the server (or there was nothing to send). */
  onSaved: () => void;
  onDelete: () => void;
  onDirtyChange: (dirty: boolean) => void;
  formRef: RefObject<HTMLFormElement | null>;
}

/** Tells the inspector whether the form holds edits that are not saved. */
export function useReportDirty(dirty: boolean, onDirtyChange: (dirty: boolean) => void) {
  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);
  useEffect(() => () => onDirtyChange(false), [onDirtyChange]);
}

/**
 * Saves a form's command. A 409 VERSION_CONFLICT hands the server's current record to `refused`
 * (the form then shows "changed elsewhere"); if the form is gone by then, a toast says the edit
 * was not saved. Other failures show in the editor's banner.
 */
export function useFormSave<R extends { id: string; version: number }>(
  p: Pick<FormProps, 'onSave' | 'onSaved'>,
  id: string,
  title: string,
  refused: (current: R) => void,
) {
  const toast = useToast();
  const mounted = useRef(false);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const { onSave, onSaved } = p;
  return useCallback(
    (cmd: GraphCommand | null) => {
      if (!cmd) {
        onSaved();
        return;
      }
      void onSave(cmd).then((err) => {
        if (!err) return onSaved();
        if (!isVersionConflict(err)) return;
        const current = conflictRecord<R>(appErrorOf(err).details, id);
        if (!mounted.current) toast({ message: `Not saved: ${title} was changed elsewhere`, tone: 'error' });
        else if (current) refused(current);
      });
    },
    [onSave, onSaved, id, title, refused, toast],
  );
}
