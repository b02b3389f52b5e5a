import { useEffect, useLayoutEffect, useRef } from 'react';

export interface GraphShortcuts {
  deleteSelection: () => void;
  copy: () => void;
  paste: () => void;
  undo: () => Promise<unknown>;
  redo: () => Promise<unknown>;
  focusSearch: () => void;
  /** Small screens: the graph is read-only; only search works. */
  readOnly: boolean;
}

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) ||
    Boolean(target.closest('[role="dialog"]'))
  );
}

/**
 * Delete/Backspace, Ctrl+Z, Ctrl+Shift+Z (or Ctrl+Y), Ctrl+C, Ctrl+V, and Ctrl+F or `/` (find a
 * node) for the editor; keys typed into a form field or a dialog are left alone. Bound once;
 * always calls the latest handlers.
 */
export function useGraphShortcuts(handlers: GraphShortcuts): void {
  const latest = useRef(handlers);
  useLayoutEffect(() => {
    latest.current = handlers;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isEditable(e.target)) return;
      const h = latest.current;
      const mod = e.ctrlKey || e.metaKey;
      const k = e.key.toLowerCase();
      if ((mod && k === 'f') || (e.key === '/' && !mod)) {
        e.preventDefault();
        h.focusSearch();
        return;
      }
      if (h.readOnly) return;
      if (e.key === 'Delete' || e.key === 'Backspace') {
        e.preventDefault();
        h.deleteSelection();
      } else if (mod && k === 'z' && !e.shiftKey) {
        e.preventDefault();
        void h.undo();
      } else if (mod && ((k === 'z' && e.shiftKey) || k === 'y')) {
        e.preventDefault();
        void h.redo();
      } else if (mod && k === 'c') {
        h.copy();
      } else if (mod && k === 'v') {
        e.preventDefault();
        h.paste();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
