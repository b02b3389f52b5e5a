import type { GraphEdgeView, GraphNodeView } from '@mm/contracts';
import { describe, expect, it } from 'vitest';
import {
  arrivalOf,
  changedNodeFields,
  conflictRecord,
  edgeSave,
  edgeValuesOf,
  nodeSave,
  nodeValuesOf,
} from './versioned-edit.ts';
import type { NodeValues } from './versioned-edit.ts';

const T = '2025-01-01T00:00:00.000Z';
const node = (over: Partial<GraphNodeView> = {}): GraphNodeView => ({
  id: 'n1',
  machineId: 'm1',
  type: 'skill',
  title: 'Camera',
  status: 'draft',
  refId: null,
  position: { x: 0, y: 0 },
  data: { fps: 30 },
  version: 1,
  createdAt: T,
  updatedAt: T,
  ...over,
});
const edge = (over: Partial<GraphEdgeView> = {}): GraphEdgeView => ({
  id: 'e1',
  machineId: 'm1',
  sourceNodeId: 'a',
  targetNodeId: 'b',
  type: 'connects',
  data: {},
  version: 1,
  createdAt: T,
  updatedAt: T,
  ...over,
});
const edit = (n: GraphNodeView, over: Partial<NodeValues>): NodeValues => ({ ...nodeValuesOf(n), ...over });

function arrival(base: GraphNodeView, against: GraphNodeView, latest: GraphNodeView, values: NodeValues) {
  return arrivalOf({
    againstVersion: against.version,
    latestVersion: latest.version,
    diff: changedNodeFields,
    values,
    base: nodeValuesOf(base),
    against: nodeValuesOf(against),
    latest: nodeValuesOf(latest),
  });
}

describe('arrivalOf: a newer record of the element being edited', () => {
  const v1 = node();
  it('is ignored when not newer than what the form saves against', () => {
    expect(arrival(v1, v1, v1, edit(v1, { title: 'mine' }))).toBe('ignore');
  });
  it('only moved: the form is kept and saves against it', () => {
    expect(arrival(v1, v1, node({ version: 2, position: { x: 5, y: 5 } }), edit(v1, { title: 'mine' }))).toBe('rebase');
  });
  it('replaces an untouched form', () => {
    expect(arrival(v1, v1, node({ version: 2, title: 'theirs' }), nodeValuesOf(v1))).toBe('adopt');
  });
  it('replaces a form it equals (our own save coming back, data keys reordered, removed keys null)', () => {
    const values = edit(v1, { title: 'mine ', dataText: '{"b":1,"a":2}' });
    const saved = node({ version: 2, title: 'mine', data: { a: 2, b: 1, fps: null } });
    expect(arrival(v1, v1, saved, values)).toBe('adopt');
  });
  it('asks when it changes a form field the operator has edited', () => {
    expect(arrival(v1, v1, node({ version: 2, status: 'active' }), edit(v1, { title: 'mine' }))).toBe('conflict');
  });
});

describe('nodeSave: what a save sends', () => {
  const v1 = node();
  it('sends only the changed fields, with undo values', () => {
    expect(nodeSave(v1, v1, edit(v1, { title: ' Front camera ' }))).toEqual({
      before: { title: 'Camera' },
      after: { title: 'Front camera' },
    });
    expect(nodeSave(v1, v1, nodeValuesOf(v1))).toBeNull();
    expect(nodeSave(v1, v1, edit(v1, { dataText: '{' }))).toBeNull();
    expect(nodeSave(v1, v1, edit(v1, { title: '  ' }))).toBeNull();
  });
  it('after "keep mine", keeps their other changes and takes undo values from theirs', () => {
    const theirs = node({ version: 2, status: 'active', title: 'Their camera', data: { fps: 60, mode: 'hd' } });
    const mine = edit(v1, { title: 'My camera', dataText: '{"fps": 30, "zoom": 2}' });
    expect(nodeSave(v1, theirs, mine)).toEqual({
      before: { title: 'Their camera', data: { zoom: null } },
      after: { title: 'My camera', data: { zoom: 2 } },
    });
  });
  it('removing a data key sends null for it', () => {
    expect(nodeSave(v1, v1, edit(v1, { dataText: '{}' }))).toEqual({
      before: { data: { fps: 30 } },
      after: { data: { fps: null } },
    });
  });
});

describe('edgeSave', () => {
  it('sends type and label changes against the latest edge', () => {
    const e1 = edge();
    const theirs = edge({ version: 3, label: 'theirs', data: { w: 1 } });
    expect(edgeSave(e1, theirs, { ...edgeValuesOf(e1), type: 'request' })).toEqual({
      before: { type: 'connects' },
      after: { type: 'request' },
    });
    expect(edgeSave(e1, e1, { ...edgeValuesOf(e1), label: 'x' })).toEqual({
      before: { label: null },
      after: { label: 'x' },
    });
  });
});

describe('conflictRecord', () => {
  it('reads details.current of a 409 only for the element asked about', () => {
    const current = node({ version: 4 });
    expect(conflictRecord({ current }, 'n1')).toBe(current);
    expect(conflictRecord({ current }, 'other')).toBeNull();
    expect(conflictRecord({}, 'n1')).toBeNull();
    expect(conflictRecord(undefined, 'n1')).toBeNull();
  });
});
