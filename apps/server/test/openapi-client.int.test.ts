/**
 * The OpenAPI document tells the truth (docs/api.md "OpenAPI document"): a client generated from it
 * (openapi-typescript + openapi-fetch) compiles against the lifecycle of examples/openapi-client.ts,
 * runs it against a listening server and a real runtime, and every answer of the flow — successes
 * and errors, execute's failure body included — validates against the document's schema for that
 * operation and status (ajv, JSON Schema 2020-12).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startFakeRuntime } from '@mm/fake-runtime';
import { buildOpenApiDocument, routeTable } from '@mm/rest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Middleware } from 'openapi-fetch';
import * as prettier from 'prettier';
import { expect, it } from 'vitest';
import { connect, lifecycle } from '../../../examples/openapi-client.ts';
import { VERSION } from '../src/version.ts';
import { describeEachDb } from './harness.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const run = promisify(execFile);
const bin = (name: string) => path.join(root, 'node_modules/.bin', name);

const doc = buildOpenApiDocument(routeTable, VERSION);
const DOC_ID = 'https://machine-markets.local/openapi.json';
// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => void;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ ...doc, $id: DOC_ID });

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

type Operation = { responses: Record<string, { content?: Record<string, unknown> }> };
type Checked = { operation: string; status: number };

/** Validates each answer against the document: a documented status, and a body its schema accepts. */
function validating(checked: Checked[], problems: string[]): Middleware {
  return {
    async onResponse({ request, response, schemaPath }) {
      const method = request.method.toLowerCase();
      const op = (doc.paths as Record<string, Record<string, Operation>>)[schemaPath]?.[method];
      const where = `${request.method} ${schemaPath} → ${response.status}`;
      if (!op) return void problems.push(`${where}: not in the document`);
      const key = String(response.status) in op.responses ? String(response.status) : undefined;
      if (!key) return void problems.push(`${where}: status not documented`);
      checked.push({ operation: `${method} ${schemaPath}`, status: response.status });
      const text = await response.clone().text();
      if (!op.responses[key]?.content) {
        if (text !== '') problems.push(`${where}: documented without a body, answered ${text.slice(0, 80)}`);
        return;
      }
      const validate = ajv.getSchema(
        `${DOC_ID}#/${pointer('paths', schemaPath, method, 'responses', key, 'content', 'application/json', 'schema')}`,
      );
      if (!validate) return void problems.push(`${where}: no schema`);
      if (!validate(JSON.parse(text))) problems.push(`${where}: ${ajv.errorsText(validate.errors)}`);
    },
  };
}

it('validates strictly: a body missing a required field or with a malformed timestamp is refused', () => {
  const validate = ajv.getSchema(`${DOC_ID}#/components/schemas/TaskRecord`);
  expect(validate?.({})).toBe(false);
  const errorOf = ajv.getSchema(
    `${DOC_ID}#/${pointer('paths', '/api/v1/machines', 'post', 'responses', '409', 'content', 'application/json', 'schema')}`,
  );
  expect(errorOf?.({ error: { code: 'MACHINE_IDENTITY_EXISTS', message: 'x' } })).toBe(true);
  expect(errorOf?.({ error: { code: 'TASK_STATE_CONFLICT', message: 'x' } })).toBe(false);
  const health = ajv.getSchema(`${DOC_ID}#/components/schemas/Machine`);
  expect(health?.({ createdAt: 'yesterday' })).toBe(false);
});

it('the committed generated types are the ones the document gives, and the example compiles against them', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mm-openapi-'));
  try {
    writeFileSync(path.join(dir, 'openapi.json'), JSON.stringify(doc));
    await run(bin('openapi-typescript'), [path.join(dir, 'openapi.json'), '-o', path.join(dir, 'types.ts')], {
      cwd: root,
      timeout: 60_000,
    });
    const target = path.join(root, 'examples/openapi-types.ts');
    const fresh = await prettier.format(readFileSync(path.join(dir, 'types.ts'), 'utf8'), {
      ...(await prettier.resolveConfig(target)),
      filepath: target,
    });
    expect(fresh === readFileSync(target, 'utf8'), 'examples/openapi-types.ts is stale: run pnpm openapi:types').toBe(
      true,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Strict TypeScript over the example and the generated types: the lifecycle type-checks.
  await run(bin('tsc'), ['--noEmit', '-p', 'examples'], { cwd: root, timeout: 120_000 });
}, 180_000);

describeEachDb(
  'a client generated from the OpenAPI document',
  (get) => {
    it('runs the lifecycle, and every answer validates against the document', async () => {
      const runtime = await startFakeRuntime();
      const checked: Checked[] = [];
      const problems: string[] = [];
      try {
        const mm = connect(get().baseUrl);
        mm.use(validating(checked, problems));
        const r = await lifecycle(mm, runtime.url);
        expect(r.discovery.candidates.map((c) => c.service.id)).toContain('qvac-private-inference');
        expect(r.route).toMatchObject({ selectedServiceId: 'qvac-private-inference', executionMode: 'native' });
        expect(r.outcome.status).toBe('completed');
        expect(JSON.stringify(r.outcome.result)).toContain('Where am I?');

        // Errors answer as documented, with the codes their operation lists.
        const machineId = r.machine.id;
        const path = { machineId, taskId: r.task.id };
        const again = await mm.POST('/api/v1/machines/{machineId}/tasks/{taskId}/execute', { params: { path } });
        expect(again.response.status).toBe(409);
        const missing = await mm.GET('/api/v1/machines/{machineId}', { params: { path: { machineId: 'no-such' } } });
        expect(missing.error?.error.code).toBe('NOT_FOUND');
        const bad = await mm.GET('/api/v1/machines', { params: { query: { limit: 501 } } });
        expect(bad.response.status).toBe(400);

        // A failing runtime: 502 with the settled records beside the error (ExecuteTaskFailure).
        runtime.setMode('error');
        const task = await mm.POST('/api/v1/machines/{machineId}/tasks', {
          params: { path: { machineId } },
          body: { serviceType: 'compute.marketplace', taskType: 'inference', operation: 'run-private-inference' },
        });
        const failing = { machineId, taskId: task.data?.item.id ?? '' };
        await mm.POST('/api/v1/machines/{machineId}/tasks/{taskId}/resolve', {
          params: { path: failing },
          body: { allowExternalHandoff: false },
        });
        const failed = await mm.POST('/api/v1/machines/{machineId}/tasks/{taskId}/execute', {
          params: { path: failing },
        });
        expect(failed.response.status).toBe(502);
        expect(failed.error && 'run' in failed.error && failed.error.run.status).toBe('failed');

        // Reads, an update, deletes (204), the graph, and /health at the host root.
        await mm.GET('/api/v1/machines/{machineId}/tasks', { params: { path: { machineId } } });
        await mm.GET('/api/v1/machines/{machineId}/runtime-endpoints', { params: { path: { machineId } } });
        await mm.GET('/api/v1/runs', { params: { query: { machineId } } });
        await mm.GET('/api/v1/runs/{runId}', { params: { path: { runId: r.run.id } } });
        await mm.GET('/api/v1/machines/{machineId}/routes', { params: { path: { machineId } } });
        await mm.GET('/api/v1/machines/{machineId}/outcomes', { params: { path: { machineId } } });
        const node = await mm.POST('/api/v1/machines/{machineId}/graph/nodes', {
          params: { path: { machineId } },
          body: { type: 'skill', title: 'QVAC' },
        });
        const nodeId = node.data?.item.id ?? '';
        const patched = await mm.PATCH('/api/v1/machines/{machineId}/graph/nodes/{nodeId}', {
          params: { path: { machineId, nodeId }, header: { 'If-Match': '1' } },
          body: { data: { k: 1 } },
        });
        expect(patched.data?.item.version).toBe(2);
        await mm.GET('/api/v1/machines/{machineId}/graph', { params: { path: { machineId } } });
        const deleted = await mm.DELETE('/api/v1/machines/{machineId}/graph/nodes/{nodeId}', {
          params: { path: { machineId, nodeId } },
        });
        expect(deleted.response.status).toBe(204);
        await mm.PATCH('/api/v1/machines/{machineId}', {
          params: { path: { machineId } },
          body: { displayName: 'R2' },
        });
        await mm.GET('/api/v1/audit-events', { params: { query: { limit: 5 } } });
        await mm.GET('/api/v1/skills');
        await mm.GET('/api/v1/market/services/{serviceId}', {
          params: { path: { serviceId: 'qvac-private-inference' } },
        });
        const health = await mm.GET('/health');
        expect(health.data?.status).toBe('ok');
      } finally {
        await runtime.close();
      }
      expect(problems).toEqual([]);
      const statuses = new Set(checked.map((c) => c.status));
      for (const s of [200, 201, 204, 400, 404, 409, 502]) expect(statuses, `status ${s}`).toContain(s);
      expect(checked.length).toBeGreaterThan(25);
    });

    it('documents the change feed: its stream carries AuditEventRecords, its refusals are documented', async () => {
      const base = get().baseUrl;
      const feed = (doc.paths as Record<string, Record<string, Operation>>)['/api/v1/events']?.get;
      expect(Object.keys(feed?.responses['200']?.content ?? {})).toEqual(['text/event-stream']);
      const made = await fetch(`${base}/api/v1/machines`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ displayName: 'feed', identityRef: `peaqos:machine:feed-${Date.now()}` }),
      });
      const machineId = ((await made.json()) as { item: { id: string } }).item.id;

      const abort = new AbortController();
      const res = await fetch(`${base}/api/v1/events?machineId=${machineId}`, { signal: abort.signal });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      // The feed starts at the tail: a change made after it opened is its first event.
      await fetch(`${base}/api/v1/machines/${machineId}/graph/nodes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'skill', title: 'fed' }),
      });
      const reader = res.body!.getReader();
      let text = '';
      const decoder = new TextDecoder();
      while (!/\ndata: .*\n\n/.test(text)) {
        const chunk = await reader.read();
        if (chunk.done) throw new Error(`the feed ended before its first event: ${text}`);
        text += decoder.decode(chunk.value, { stream: true });
      }
      abort.abort();
      const data = JSON.parse(/\ndata: (.*)\n/.exec(text)![1]!) as unknown;
      const record = ajv.getSchema(`${DOC_ID}#/components/schemas/AuditEventRecord`)!;
      expect(record(data), ajv.errorsText(record.errors)).toBe(true);

      for (const [query, status] of [
        ['machineId=no-such-machine', 404],
        [`machineId=${machineId}&after=abc`, 400],
      ] as const) {
        const refused = await fetch(`${base}/api/v1/events?${query}`);
        expect(refused.status).toBe(status);
        const validate = ajv.getSchema(
          `${DOC_ID}#/${pointer('paths', '/api/v1/events', 'get', 'responses', String(status), 'content', 'application/json', 'schema')}`,
        )!;
        expect(validate(await refused.json()), ajv.errorsText(validate.errors)).toBe(true);
      }
    });
  },
  { listen: true },
);
