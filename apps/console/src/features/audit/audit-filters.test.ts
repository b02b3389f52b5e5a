import { describe, expect, it } from 'vitest';
import { fromLocalInput, toLocalInput } from '../../lib/time-range.ts';
import { filtersOf, paramsOf, typeOptions, viewOf } from './audit-filters.ts';

const NOW = Date.parse('2026-01-02T12:00:00.000Z');

describe('audit filters in the URL', () => {
  it('round-trips a view through the query string, keeping only what is set', () => {
    const params = new URLSearchParams('type=graph.node.*&machineId=m1&principal=alice&range=24h');
    const view = viewOf(params);
    expect(view).toMatchObject({ type: 'graph.node.*', machineId: 'm1', principal: 'alice', time: '24h' });
    expect(paramsOf(view).toString()).toBe('type=graph.node.*&machineId=m1&principal=alice&range=24h');
    expect(paramsOf(viewOf(new URLSearchParams())).toString()).toBe('');
  });

  it('turns a preset into `since`, counted back from when the view was opened', () => {
    expect(filtersOf(viewOf(new URLSearchParams('range=1h')), NOW)).toEqual({ since: '2026-01-02T11:00:00.000Z' });
    expect(filtersOf(viewOf(new URLSearchParams('range=7d&principal=bob')), NOW)).toEqual({
      principal: 'bob',
      since: '2025-12-26T12:00:00.000Z',
    });
  });

  it('keeps a custom range as ISO instants and drops unreadable ones', () => {
    const view = viewOf(new URLSearchParams('since=2026-01-01T00:00:00Z&until=nonsense'));
    expect(view).toMatchObject({ time: 'custom', since: '2026-01-01T00:00:00.000Z', until: '' });
    expect(filtersOf(view, NOW)).toEqual({ since: '2026-01-01T00:00:00.000Z' });
    expect(viewOf(new URLSearchParams('range=forever')).time).toBe('');
  });

  it('converts between the datetime-local input and ISO', () => {
    const iso = fromLocalInput('2026-01-02T09:30');
    expect(toLocalInput(iso)).toBe('2026-01-02T09:30');
    expect(Date.parse(fromLocalInput('2026-01-02T09:30', true)) - Date.parse(iso)).toBe(59_999);
    expect(fromLocalInput('')).toBe('');
    expect(toLocalInput('garbage')).toBe('');
  });
});

describe('type options', () => {
  it('offers group prefixes that cover several types, then the types themselves', () => {
    const options = typeOptions([
      'graph.node.created',
      'graph.node.moved',
      'graph.edge.created',
      'task.created',
      'skill.upserted',
    ]);
    expect(options.map((o) => o.value)).toEqual([
      'graph.*',
      'graph.node.*',
      'graph.node.created',
      'graph.node.moved',
      'graph.edge.created',
      'task.created',
      'skill.upserted',
    ]);
    expect(options[0]?.label).toBe('every graph.… event (3 types)');
  });

  it('covers the known groups of the contracts', () => {
    const values = typeOptions().map((o) => o.value);
    for (const prefix of ['graph.*', 'graph.node.*', 'graph.edge.*', 'task.*', 'run.*', 'machine.*', 'policy.*']) {
      expect(values).toContain(prefix);
    }
    expect(values).toContain('run.hop-started');
  });
});
