import type { GraphNodeView } from '@mm/contracts';
import { forwardRef, memo, useMemo, useState } from 'react';
import { cssVar, NODE_LOOK } from '../graph-look.ts';
import { searchNodes } from '../to-flow.ts';

/** Find a node by title (Ctrl+F or `/`); Enter or a click centres the view on it and selects it. */
export const NodeSearch = memo(
  forwardRef<HTMLInputElement, { nodes: readonly GraphNodeView[]; onPick: (id: string) => void }>(function NodeSearch(
    { nodes, onPick },
    ref,
  ) {
    const [query, setQuery] = useState('');
    const [open, setOpen] = useState(false);
    const [active, setActive] = useState(0);
    const hits = useMemo(() => searchNodes(nodes, query), [nodes, query]);
    const pick = (id: string) => {
      setOpen(false);
      onPick(id);
    };
    return (
      <div className="node-search" data-testid="graph-search">
        <input
          ref={ref}
          type="search"
          value={query}
          placeholder="Find node  (Ctrl+F or /)"
          aria-label="Find a node by title"
          data-testid="graph-search-input"
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
            setOpen(true);
          }}
          onFocus={() => setOpen(true)}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, hits.length - 1));
            else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
            else if (e.key === 'Enter') {
              const hit = hits[active] ?? hits[0];
              if (hit) pick(hit.id);
            } else if (e.key === 'Escape') {
              setOpen(false);
              e.currentTarget.blur();
            }
          }}
        />
        {open && query.trim() ? (
          <ul className="node-search__results" role="listbox" data-testid="graph-search-results">
            {hits.length === 0 ? <li className="node-search__none muted small">no node matches</li> : null}
            {hits.map((n, i) => (
              <li key={n.id} role="option" aria-selected={i === active}>
                <button
                  type="button"
                  className={`node-search__hit${i === active ? ' is-active' : ''}`}
                  style={cssVar('--node', NODE_LOOK[n.type].color)}
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => pick(n.id)}
                  data-testid="graph-search-hit"
                >
                  <span className="node-search__icon">{NODE_LOOK[n.type].icon}</span>
                  <span className="node-search__title">{n.title}</span>
                  <span className="muted small">{NODE_LOOK[n.type].label}</span>
                </button>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    );
  }),
);
