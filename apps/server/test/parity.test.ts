/**
 * One operation, two transports (docs/api.md "tRPC answers"): every REST route names its tRPC twin,
 * every procedure has a route, and both take the same input fields (REST params + query + body
 * merged against the procedure's input).
 */
import { appRouter } from '@mm/api';
import { buildOpenApiDocument, routeTable } from '@mm/rest';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

/** The object shape under defaults, optionals and pipes; undefined for a non-object. */
function keysOf(schema: z.ZodType | undefined): string[] {
  let s: unknown = schema;
  for (let i = 0; i < 10 && s; i++) {
    if (s instanceof z.ZodObject) return Object.keys(s.shape).sort();
    const def = (s as { _zod?: { def?: { innerType?: unknown; in?: unknown } } })._zod?.def;
    s = def?.innerType ?? def?.in;
  }
  return [];
}

type Procedure = { _def: { inputs: z.ZodType[]; type: 'query' | 'mutation' | 'subscription' } };
const procedures = (appRouter as unknown as { _def: { procedures: Record<string, Procedure> } })._def.procedures;

describe('REST ↔ tRPC parity', () => {
  it('pairs every route with one procedure and every procedure with one route', () => {
    const restNames = routeTable.map((r) => r.procedure);
    expect(new Set(restNames).size, 'two routes name the same procedure').toBe(restNames.length);
    const trpcNames = Object.entries(procedures)
      .filter(([, p]) => p._def.type !== 'subscription')
      .map(([name]) => name);
    expect([...restNames].sort()).toEqual([...trpcNames].sort());
  });

  it.each(routeTable.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s takes the inputs of its procedure',
    (_, r) => {
      const procedure = procedures[r.procedure];
      expect(procedure, `no procedure ${r.procedure}`).toBeDefined();
      // A route without any input (GET /session) pairs with a procedure without input.
      if (!r.params && !r.query && !r.body) {
        expect(procedure?._def.inputs ?? [], 'a route without input pairs with a procedure without input').toEqual([]);
        return;
      }
      const rest = [...new Set([...keysOf(r.params), ...keysOf(r.query), ...keysOf(r.body)])].sort();
      const trpc = [...new Set((procedure?._def.inputs ?? []).flatMap((s) => keysOf(s)))].sort();
      expect(rest.length, 'every route takes some input').toBeGreaterThan(0);
      expect(rest).toEqual(trpc);
      // Reads are queries and writes mutations on both sides (POST …/discover is a read on the task
      // but records an audit event, so it is a mutation like the other POSTs).
      expect(procedure?._def.type).toBe(r.method === 'GET' ? 'query' : 'mutation');
    },
  );

  it('gives every operation of the document the procedure name as operationId', () => {
    const doc = buildOpenApiDocument(routeTable, 'test');
    const ids = Object.values(doc.paths).flatMap((ops) =>
      Object.values(ops).map((op) => (op as { operationId: string }).operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of routeTable) expect(ids).toContain(r.procedure.replace('.', '_'));
    for (const id of ids) expect(id).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
  });
});
