import { useCallback, useRef, useState } from 'react';
import { appErrorOf } from '../../../lib/errors.ts';
import { CommandStack } from '../command-stack.ts';
import type { GraphApi, GraphCommand, IdMap } from '../command-stack.ts';
import { useGraphApi } from './use-graph.ts';

export const isVersionConflict = (err: unknown) => appErrorOf(err).code === 'VERSION_CONFLICT';

export interface CommandState {
  busy: boolean;
  error: unknown;
  canUndo: boolean;
  canRedo: boolean;
  undoLabel: string | undefined;
  redoLabel: string | undefined;
  lastAction: string | undefined;
}

/**
 * The editor's command stack bound to the server. Commands run one at a time in order (a quick
 * Ctrl+Z after a drag undoes the drag, never races it); the graph query is refreshed after each.
 */
export function useGraphCommands(machineId: string) {
  const { api, refresh } = useGraphApi(machineId);
  const stackRef = useRef<CommandStack | null>(null);
  stackRef.current ??= new CommandStack();
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const [state, setState] = useState<CommandState>({
    busy: false,
    error: null,
    canUndo: false,
    canRedo: false,
    undoLabel: undefined,
    redoLabel: undefined,
    lastAction: undefined,
  });

  const enqueue = useCallback(
    (
      label: (stack: CommandStack) => string | undefined,
      work: (stack: CommandStack) => Promise<unknown>,
      /** Failures the caller shows itself instead of the editor's error banner. */
      handled: (err: unknown) => boolean = () => false,
    ): Promise<{ ids: IdMap; error: unknown }> => {
      const stack = stackRef.current!;
      setState((s) => ({ ...s, busy: true }));
      const next = queue.current.then(async () => {
        let error: unknown = null;
        let action: string | undefined;
        try {
          action = label(stack);
          await work(stack);
        } catch (err) {
          error = err;
        }
        // Refresh even after a failure: part of the command may have reached the server.
        await refresh().catch(() => undefined);
        setState({
          busy: false,
          error: error && !handled(error) ? error : null,
          canUndo: stack.canUndo,
          canRedo: stack.canRedo,
          undoLabel: stack.undoLabel,
          redoLabel: stack.redoLabel,
          lastAction: error ? undefined : action,
        });
        return { ids: stack.ids, error };
      });
      queue.current = next.catch(() => undefined);
      return next;
    },
    [refresh],
  );

  /** Runs a command; resolves to the id map, or null when it failed (the banner shows why). */
  const run = useCallback(
    (cmd: GraphCommand): Promise<IdMap | null> =>
      enqueue(
        () => cmd.label,
        (s) => s.run(cmd, api),
      ).then((r) => (r.error ? null : r.ids)),
    [enqueue, api],
  );
  /**
   * A side-panel save: resolves to its failure (null when saved). A stale version (409
   * VERSION_CONFLICT) is the panel's to show as "changed elsewhere", not the banner's.
   */
  const save = useCallback(
    (cmd: GraphCommand): Promise<unknown> =>
      enqueue(
        () => cmd.label,
        (s) => s.run(cmd, api),
        isVersionConflict,
      ).then((r) => r.error),
    [enqueue, api],
  );
  const undo = useCallback(
    () =>
      enqueue(
        (s) => (s.undoLabel ? `Undo ${s.undoLabel}` : undefined),
        (s) => s.undo(api),
      ).then((r) => r.ids),
    [enqueue, api],
  );
  const redo = useCallback(
    () =>
      enqueue(
        (s) => (s.redoLabel ? `Redo ${s.redoLabel}` : undefined),
        (s) => s.redo(api),
      ).then((r) => r.ids),
    [enqueue, api],
  );
  /** Work that talks to the server itself (in order with every other command), then records a command. */
  const runCustom = useCallback(
    (label: string, work: (api: GraphApi, stack: CommandStack) => Promise<unknown>) =>
      enqueue(
        () => label,
        (s) => work(api, s),
      ).then((r) => r.ids),
    [enqueue, api],
  );
  const clearError = useCallback(() => setState((s) => ({ ...s, error: null })), []);

  return { ...state, run, save, runCustom, undo, redo, clearError };
}
