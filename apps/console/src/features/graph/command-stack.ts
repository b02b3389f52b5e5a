/**
 * Undo/redo for the graph editor as a stack of commands that are replayed against the server.
 * Every command has an exact inverse (create ↔ delete, update before ↔ after). Recreating a
 * deleted node gives it a new server id, so ids go through an `IdMap` that tracks every
 * replacement: older commands keep naming the id they saw and still reach the live record.
 * Pure apart from the injected `GraphApi`; unit-tested with a fake one.
 */
import type { EdgeType, NodeStatus, NodeType } from '@mm/contracts';

export interface XY {
  x: number;
  y: number;
}

export interface NodeSnapshot {
  id: string;
  type: NodeType;
  title: string;
  refId: string | null;
  status: NodeStatus;
  position: XY;
  data: Record<string, unknown>;
}

export interface EdgeSnapshot {
  id: string;
  source: string;
  target: string;
  type: EdgeType;
  label?: string;
  data: Record<string, unknown>;
}

export interface NodePatch {
  type?: NodeType;
  title?: string;
  refId?: string | null;
  status?: NodeStatus;
  position?: XY;
  data?: Record<string, unknown>;
}

export interface EdgePatch {
  type?: EdgeType;
  label?: string | null;
  data?: Record<string, unknown>;
}

export type GraphCommand =
  | { kind: 'create'; label: string; nodes: NodeSnapshot[]; edges: EdgeSnapshot[] }
  | { kind: 'delete'; label: string; nodes: NodeSnapshot[]; edges: EdgeSnapshot[] }
  | {
      kind: 'update';
      label: string;
      nodes: { id: string; before: NodePatch; after: NodePatch; expectedVersion?: number }[];
      edges: { id: string; before: EdgePatch; after: EdgePatch; expectedVersion?: number }[];
    };

/** The server calls a command needs; the hook implements it over tRPC, tests with a fake. */
export interface GraphApi {
  createNode(input: {
    type: NodeType;
    title: string;
    refId?: string | null;
    position: XY;
    data: Record<string, unknown>;
  }): Promise<{ id: string }>;
  /** With `expectedVersion`, applied only while the node still has it (else 409 VERSION_CONFLICT). */
  updateNode(nodeId: string, patch: NodePatch, expectedVersion?: number): Promise<unknown>;
  /** Moves many nodes in one server call (auto-layout, multi-node drags). */
  moveNodes(moves: { nodeId: string; x: number; y: number }[]): Promise<unknown>;
  /** Resolves false when the node is already gone. */
  deleteNode(nodeId: string): Promise<boolean>;
  createEdge(input: {
    sourceNodeId: string;
    targetNodeId: string;
    type: EdgeType;
    label?: string;
    data: Record<string, unknown>;
  }): Promise<{ id: string }>;
  updateEdge(edgeId: string, patch: EdgePatch, expectedVersion?: number): Promise<unknown>;
  /** Resolves false when the edge is already gone. */
  deleteEdge(edgeId: string): Promise<boolean>;
}

export function invert(cmd: GraphCommand): GraphCommand {
  switch (cmd.kind) {
    case 'create':
      return { ...cmd, kind: 'delete' };
    case 'delete':
      return { ...cmd, kind: 'create' };
    case 'update':
      return {
        ...cmd,
        nodes: cmd.nodes.map((n) => ({ id: n.id, before: n.after, after: n.before })),
        edges: cmd.edges.map((e) => ({ id: e.id, before: e.after, after: e.before })),
      };
  }
}

/**
 * Ids of one logical record across its re-creations. The first id a record was known by is its
 * key; `set(anyIdOfIt, newServerId)` moves the key to the new record, and `resolve` maps any id
 * the record ever had to the live one. So a command recorded with a temporary id, and a later
 * one recorded with the server id that replaced it, both keep reaching the same record.
 */
export class IdMap {
  private readonly current = new Map<string, string>(); // key → live server id
  private readonly keyOf = new Map<string, string>(); // any id ever used → key

  private key(id: string): string {
    return this.keyOf.get(id) ?? id;
  }

  set(id: string, serverId: string): void {
    const key = this.key(id);
    this.current.set(key, serverId);
    this.keyOf.set(serverId, key);
  }

  resolve(id: string): string {
    const key = this.key(id);
    return this.current.get(key) ?? key;
  }
}

const CONCURRENCY = 100;

async function forEachLimited<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += CONCURRENCY) {
    await Promise.all(items.slice(i, i + CONCURRENCY).map(fn));
  }
}

/** Applies one command; records new ids in `ids`. */
export async function applyCommand(cmd: GraphCommand, api: GraphApi, ids: IdMap): Promise<void> {
  switch (cmd.kind) {
    case 'create': {
      await forEachLimited(cmd.nodes, async (n) => {
        const created = await api.createNode({
          type: n.type,
          title: n.title,
          ...(n.refId !== null && { refId: n.refId }),
          position: n.position,
          data: n.data,
        });
        ids.set(n.id, created.id);
        // Creation always starts as draft; restore any other status.
        if (n.status !== 'draft') await api.updateNode(created.id, { status: n.status });
      });
      await forEachLimited(cmd.edges, async (e) => {
        const created = await api.createEdge({
          sourceNodeId: ids.resolve(e.source),
          targetNodeId: ids.resolve(e.target),
          type: e.type,
          ...(e.label !== undefined && { label: e.label }),
          data: e.data,
        });
        ids.set(e.id, created.id);
      });
      return;
    }
    case 'delete': {
      const deletedNodes = new Set(cmd.nodes.map((n) => n.id));
      // Edges on deleted nodes go with them (the server cascades); delete the others explicitly.
      const loose = cmd.edges.filter((e) => !deletedNodes.has(e.source) && !deletedNodes.has(e.target));
      await forEachLimited(loose, async (e) => {
        await api.deleteEdge(ids.resolve(e.id));
      });
      await forEachLimited(cmd.nodes, async (n) => {
        await api.deleteNode(ids.resolve(n.id));
      });
      return;
    }
    case 'update': {
      // Pure moves go to the server in one call; other node edits one by one.
      const isMove = (p: NodePatch) => Object.keys(p).length === 1 && p.position !== undefined;
      const moves = cmd.nodes.flatMap((n) =>
        isMove(n.after) && n.after.position
          ? [{ nodeId: ids.resolve(n.id), x: n.after.position.x, y: n.after.position.y }]
          : [],
      );
      for (let i = 0; i < moves.length; i += 500) await api.moveNodes(moves.slice(i, i + 500));
      await forEachLimited(
        cmd.nodes.filter((n) => !isMove(n.after)),
        async (n) => {
          await api.updateNode(ids.resolve(n.id), n.after, n.expectedVersion);
        },
      );
      await forEachLimited(cmd.edges, async (e) => {
        await api.updateEdge(ids.resolve(e.id), e.after, e.expectedVersion);
      });
      return;
    }
  }
}

/**
 * A command as the stack keeps it: the version a save was checked against holds for that save only;
 * undo and redo replay later, over whatever the record has become (last writer wins).
 */
function withoutVersions(cmd: GraphCommand): GraphCommand {
  if (cmd.kind !== 'update') return cmd;
  return {
    ...cmd,
    nodes: cmd.nodes.map(({ id, before, after }) => ({ id, before, after })),
    edges: cmd.edges.map(({ id, before, after }) => ({ id, before, after })),
  };
}

export class CommandStack {
  readonly ids = new IdMap();
  private past: GraphCommand[] = [];
  private future: GraphCommand[] = [];

  constructor(private readonly limit = 200) {}

  get canUndo(): boolean {
    return this.past.length > 0;
  }
  get canRedo(): boolean {
    return this.future.length > 0;
  }
  get undoLabel(): string | undefined {
    return this.past.at(-1)?.label;
  }
  get redoLabel(): string | undefined {
    return this.future.at(-1)?.label;
  }

  /** Applies a new user command and makes it undoable; clears the redo branch. */
  async run(cmd: GraphCommand, api: GraphApi): Promise<void> {
    await applyCommand(cmd, api, this.ids);
    this.past.push(withoutVersions(cmd));
    if (this.past.length > this.limit) this.past.shift();
    this.future = [];
  }

  /**
   * Makes a command that the caller has already applied undoable (auto-layout saves in chunks with
   * progress and may stop half-way; it records what reached the server).
   */
  record(cmd: GraphCommand): void {
    this.past.push(cmd);
    if (this.past.length > this.limit) this.past.shift();
    this.future = [];
  }

  /** Returns the undone command, or undefined when there is nothing to undo. */
  async undo(api: GraphApi): Promise<GraphCommand | undefined> {
    const cmd = this.past.pop();
    if (!cmd) return undefined;
    try {
      await applyCommand(invert(cmd), api, this.ids);
    } catch (err) {
      // The server state is unknown after a partial replay; do not offer the same step again.
      this.future = [];
      throw err;
    }
    this.future.push(cmd);
    return cmd;
  }

  async redo(api: GraphApi): Promise<GraphCommand | undefined> {
    const cmd = this.future.pop();
    if (!cmd) return undefined;
    await applyCommand(cmd, api, this.ids);
    this.past.push(cmd);
    return cmd;
  }

  clear(): void {
    this.past = [];
    this.future = [];
  }
}
