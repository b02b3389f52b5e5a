import { STATUS_CODES } from 'node:http';
import { ERROR_TABLE, NAMED_SCHEMAS, zHealthView, zMachineEventsQuery } from '@mm/contracts';
import type { ErrorCode } from '@mm/contracts';
import { z } from 'zod';
import { EVENTS_PATH } from './events.ts';
import type { RouteDef } from './route.ts';
import { GUARD } from './routes/shared.ts';

/*
 * The OpenAPI 3.1 document, generated from the route table and the zod contracts the routes validate
 * with (docs/api.md "OpenAPI document"). Nothing here is written by hand per route: a field added to a
 * contract, a query parameter added to a route (`includeInactive`…), an error code added to a route's
 * `errors` appears in the document by itself.
 */

type Json = Record<string, unknown>;
type Io = 'input' | 'output';

const REF_PREFIX = '#/components/schemas/';
const ref = (name: string) => ({ $ref: `${REF_PREFIX}${name}` });

/** `tasks.execute` → `tasks_execute`: a valid identifier in every generator, and reversible. */
export const operationIdOf = (procedure: string) => procedure.replace(/\./g, '_');

const TAGS: Record<string, string> = {
  health: 'Liveness of the server and its database; at the host root, never behind the API key.',
  machines: 'Machines: the identities everything else hangs off.',
  'machine-identity': 'EIP-191 identity challenges and the local controller registry.',
  catalogue: 'Skills and services that discovery searches.',
  'runtime-endpoints': 'Machine-side runtimes that native skills execute on.',
  agents: 'Machine-side agents: enrollment, revocation and heartbeats.',
  graph: 'The graph of a machine: nodes and edges.',
  tasks: 'Tasks and their discover → resolve → execute lifecycle.',
  runs: 'What tasks produced: routes, outcomes and runs.',
  policies: 'Cross-cutting rules over discovery.',
  audit: 'The audit log of every state change.',
};

/**
 * The change feed (`GET /events`, registered beside the route table because it streams: see
 * events.ts). Described as a route so its query, security and error answers come out of the same
 * generator; only its success answer (an event stream) is written below.
 */
const EVENTS_ROUTE: RouteDef = {
  method: 'GET',
  procedure: 'events.onMachine',
  path: EVENTS_PATH,
  summary: "Stream a machine's audit events as Server-Sent Events (the change feed)",
  tag: 'audit',
  query: zMachineEventsQuery,
  status: 200,
  errors: GUARD,
  handle: () => Promise.reject(new Error('documentation only')),
};

const LAST_EVENT_ID = {
  name: 'Last-Event-ID',
  in: 'header',
  required: false,
  description: 'Resume after this event id (sent by EventSource on reconnect); wins over `after`.',
  schema: { type: 'string', pattern: '^[0-9]{1,19}$' },
};

/** Answers every route can give besides the ones it declares. */
function implicitErrors(r: RouteDef): ErrorCode[] {
  const codes: ErrorCode[] = ['INTERNAL_ERROR', 'DATABASE_UNAVAILABLE'];
  if (r.params || r.query || r.body) codes.push('VALIDATION_ERROR');
  if (r.body) codes.push('PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE');
  if (r.auth === 'agent') codes.push('AGENT_AUTH_REQUIRED', 'AGENT_AUTH_INVALID');
  else codes.push('API_KEY_REQUIRED', 'API_KEY_INVALID');
  return codes;
}

function strip(json: unknown): Json {
  const j = { ...(json as Json) };
  delete j.$schema;
  delete j.$id;
  return j;
}

/** Replaces `$ref`s to `from` names with `to(name)`, deeply. */
function renameRefs(json: unknown, names: Set<string>, to: (n: string) => string): unknown {
  if (Array.isArray(json)) return json.map((v) => renameRefs(v, names, to));
  if (json === null || typeof json !== 'object') return json;
  const out: Json = {};
  for (const [k, v] of Object.entries(json as Json)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith(REF_PREFIX) && names.has(v.slice(REF_PREFIX.length))) {
      out[k] = `${REF_PREFIX}${to(v.slice(REF_PREFIX.length))}`;
    } else out[k] = renameRefs(v, names, to);
  }
  return out;
}

/**
 * Converts the named schemas and every route's schemas in one zod registry per direction, so that a
 * named schema used anywhere becomes a `$ref`. A named schema whose input and output differ (defaults,
 * coercions) gets two components: requests keep the plain name for their input side, views for their
 * output side; the other side is suffixed `Input`/`Output`.
 */
function convertAll(routes: RouteDef[]) {
  const named = new Map<z.ZodType, string>(NAMED_SCHEMAS.map(([name, s]) => [s, name]));
  const opIds = new Map<z.ZodType, string>();
  const parts: Record<Io, z.ZodType[]> = { input: [], output: [] };
  for (const r of routes) {
    parts.input.push(...[r.params, r.query, r.documentedBody ?? r.body].filter((s): s is z.ZodType => !!s));
    parts.output.push(...[r.response, r.failure?.schema].filter((s): s is z.ZodType => !!s));
  }
  parts.output.push(zHealthView);
  const result = {} as Record<Io, Record<string, Json>>;
  for (const io of ['input', 'output'] as const) {
    const registry = z.registry<{ id: string }>();
    for (const [schema, name] of named) registry.add(schema, { id: name });
    let n = 0;
    for (const s of parts[io]) {
      if (registry.has(s)) continue;
      const id = `__op${n++}`;
      opIds.set(s, id);
      registry.add(s, { id });
    }
    const { schemas } = z.toJSONSchema(registry, {
      io,
      target: 'draft-2020-12',
      unrepresentable: 'any',
      uri: (id) => `${REF_PREFIX}${id}`,
    });
    if ('__shared' in schemas) throw new Error('openapi: unexpected shared $defs (a recursive schema without a name)');
    result[io] = Object.fromEntries(Object.entries(schemas).map(([k, v]) => [k, strip(v)]));
  }
  const differs = new Set(
    [...named.values()].filter((name) => JSON.stringify(result.input[name]) !== JSON.stringify(result.output[name])),
  );
  const isRequest = (name: string) => name.endsWith('Request') || name.endsWith('Endpoint');
  const nameIn = (name: string, io: Io) => {
    if (!differs.has(name)) return name;
    if (io === 'input') return isRequest(name) ? name : `${name}Input`;
    return isRequest(name) ? `${name}Output` : name;
  };
  const components: Record<string, Json> = {};
  const renamed = {} as Record<Io, Record<string, Json>>;
  for (const io of ['input', 'output'] as const) {
    renamed[io] = {};
    for (const [id, json] of Object.entries(result[io])) {
      const fixed = renameRefs(json, differs, (n) => nameIn(n, io)) as Json;
      renamed[io][id] = fixed;
      if (!id.startsWith('__op')) components[nameIn(id, io)] ??= fixed;
    }
  }
  /** The JSON Schema of a route part: a `$ref` when it is named, else the schema itself. */
  const schemaOf = (s: z.ZodType, io: Io): Json => {
    const name = named.get(s);
    if (name) return ref(nameIn(name, io));
    const id = opIds.get(s);
    const json = id ? renamed[io][id] : undefined;
    if (!json) throw new Error('openapi: a route schema was not converted');
    return json;
  };
  return { components, schemaOf };
}

/** Follows one `$ref` into the components. */
function deref(json: Json, components: Record<string, Json>): Json {
  const r = json.$ref;
  return typeof r === 'string' && r.startsWith(REF_PREFIX) ? (components[r.slice(REF_PREFIX.length)] ?? json) : json;
}

/** Every component reachable from `root`. */
function reachable(root: unknown, components: Record<string, Json>): Set<string> {
  const seen = new Set<string>();
  const visit = (j: unknown) => {
    if (Array.isArray(j)) return j.forEach(visit);
    if (j === null || typeof j !== 'object') return;
    for (const [k, v] of Object.entries(j as Json)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(REF_PREFIX)) {
        const name = v.slice(REF_PREFIX.length);
        if (!seen.has(name)) {
          seen.add(name);
          visit(components[name]);
        }
      } else visit(v);
    }
  };
  visit(root);
  return seen;
}

function errorEnvelope(codes: ErrorCode[]): Json {
  return {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { type: 'string', enum: codes },
          message: { type: 'string' },
          details: { type: 'object', additionalProperties: true },
        },
      },
    },
  };
}

const RETRY_AFTER = {
  'Retry-After': {
    description: 'Seconds to wait before retrying (with DATABASE_UNAVAILABLE)',
    schema: { type: 'integer', minimum: 0 },
  },
};

/** One response per status the route can answer, each with the enum of its codes. */
function errorResponses(r: RouteDef, schemaOf: (s: z.ZodType, io: Io) => Json): Record<string, Json> {
  const codes = [...new Set([...(r.errors ?? []), ...implicitErrors(r)])];
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_TABLE[code].http;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<string, Json> = {};
  for (const status of [...byStatus.keys()].sort((a, b) => a - b)) {
    const all = byStatus.get(status) ?? [];
    const rich = all.filter((c) => r.failure?.codes.includes(c));
    const plain = all.filter((c) => !rich.includes(c));
    const variants: Json[] = [];
    if (rich.length && r.failure) variants.push(schemaOf(r.failure.schema, 'output'));
    if (plain.length) variants.push(errorEnvelope(plain));
    out[String(status)] = {
      description: `${STATUS_CODES[status] ?? 'Error'}: ${all.join(', ')}`,
      ...(all.includes('DATABASE_UNAVAILABLE') && { headers: RETRY_AFTER }),
      content: { 'application/json': { schema: variants.length === 1 ? variants[0] : { anyOf: variants } } },
    };
  }
  return out;
}

function parametersOf(schema: Json | undefined, location: 'path' | 'query', components: Record<string, Json>) {
  if (!schema) return [];
  const json = deref(schema, components) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: location,
    required: location === 'path' || (json.required ?? []).includes(name),
    schema: s,
  }));
}

const IF_MATCH = {
  name: 'If-Match',
  in: 'header',
  required: false,
  description:
    'The record version the write is based on (`3`, `"3"` or `W/"3"`); 409 VERSION_CONFLICT when it moved on. ' +
    'Same as the body field `expectedVersion`; both given must agree.',
  schema: { type: 'string', pattern: '^\\s*(W/)?"?[0-9]{1,10}"?\\s*$' },
};

/** API key optional: with `PEAQOS_REQUIRE_API_AUTH` off the API is open, hence the empty alternative. */
const API_SECURITY = [{ ApiKey: [] }, {}];
/** Agent token by header, or (the `{}` alternative) in the body as `agentToken`, which no scheme can express. */
const AGENT_SECURITY = [{ AgentPairingToken: [] }, { AgentBearer: [] }, {}];

const SECURITY_SCHEMES = {
  ApiKey: {
    type: 'apiKey',
    in: 'header',
    name: 'x-api-key',
    description: 'Required when the deployment sets PEAQOS_REQUIRE_API_AUTH=true; the API is open otherwise.',
  },
  AgentPairingToken: {
    type: 'apiKey',
    in: 'header',
    name: 'x-agent-pairing-token',
    description: 'The agentToken of an enrolled agent (heartbeat only).',
  },
  AgentBearer: {
    type: 'http',
    scheme: 'bearer',
    description:
      'The agentToken of an enrolled agent as `Authorization: Bearer` (heartbeat only). The token may also travel ' +
      'in the body as `agentToken`; tokens given twice must agree.',
  },
};

const AUDIT_EVENT = 'AuditEventRecord';

/** The feed's success answer: OpenAPI 3.1 cannot type the items of a stream, so the format is described. */
function eventStream(): Json {
  return {
    description:
      'An endless `text/event-stream`. Each audit event of the machine, oldest first, is one message: ' +
      '`id:` the event id (resume with `Last-Event-ID` or `after`), `event:` its type (`graph.node.created`…), ' +
      `\`data:\` the event as JSON (${REF_PREFIX}${AUDIT_EVENT}). Comment lines keep an idle stream open. ` +
      'The tRPC twin is the subscription `events.onMachine`.',
    content: {
      'text/event-stream': {
        schema: { type: 'string' },
        example: 'id: 42\nevent: graph.node.created\ndata: {"id":"…","type":"graph.node.created",…}\n\n',
      },
    },
  };
}

/** OpenAPI 3.1 for every REST route and `/health`, generated from the same zod contracts the routes validate with. */
export function buildOpenApiDocument(table: RouteDef[], version: string) {
  const routes = [...table, EVENTS_ROUTE];
  const { components, schemaOf } = convertAll(routes);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = `/api/v1${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`;
    const success: Json =
      r.status === 204
        ? { description: 'No content' }
        : {
            description: STATUS_CODES[r.status] ?? 'Success',
            ...(r.response && { content: { 'application/json': { schema: schemaOf(r.response, 'output') } } }),
          };
    const responses: Record<string, unknown> = { [String(r.status)]: r === EVENTS_ROUTE ? eventStream() : success };
    if (r.upsert) responses['201'] = { ...success, description: 'Created' };
    Object.assign(responses, errorResponses(r, schemaOf));
    responses.default = {
      description: 'Any other error, in the same envelope (405, 408, 429, 431…)',
      content: { 'application/json': { schema: ref('Error') } },
    };
    const body = r.documentedBody ?? r.body;
    const bodyJson = body && schemaOf(body, 'input');
    const bodyRequired =
      !!bodyJson && ((deref(bodyJson, components).required as unknown[] | undefined) ?? []).length > 0;
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = {
      operationId: operationIdOf(r.procedure),
      summary: r.summary,
      description: `tRPC twin: \`${r.procedure}\`.`,
      tags: [r.tag],
      security: r.auth === 'agent' ? AGENT_SECURITY : API_SECURITY,
      parameters: [
        ...parametersOf(r.params && schemaOf(r.params, 'input'), 'path', components),
        ...parametersOf(r.query && schemaOf(r.query, 'input'), 'query', components),
        ...(r.versioned ? [IF_MATCH] : []),
        ...(r === EVENTS_ROUTE ? [LAST_EVENT_ID] : []),
      ],
      ...(bodyJson && {
        // Optional when every field is: clients may send no body at all (docs/api.md "OpenAPI document").
        requestBody: { required: bodyRequired, content: { 'application/json': { schema: bodyJson } } },
      }),
      responses,
    };
  }
  paths['/health'] = {
    get: {
      operationId: 'health',
      summary: 'Liveness of the server and its database (host root, never needs an API key)',
      tags: ['health'],
      security: [],
      responses: {
        '200': { description: 'OK', content: { 'application/json': { schema: schemaOf(zHealthView, 'output') } } },
        '503': {
          description: 'The database is down',
          content: { 'application/json': { schema: schemaOf(zHealthView, 'output') } },
        },
      },
    },
  };
  const used = reachable(paths, components);
  // Each event's `data` is an audit event (referenced from the stream's description, not a schema).
  used.add(AUDIT_EVENT);
  used.add('Error');
  for (const name of reachable(
    [...used].map((n) => components[n]),
    components,
  ))
    used.add(name);
  const schemas = Object.fromEntries(
    Object.entries(components)
      .filter(([name]) => used.has(name))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  const tags = [...new Set(['health', ...routes.map((r) => r.tag)])].map((name) => ({
    name,
    description: TAGS[name] ?? name,
  }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Machine Markets orchestrator',
      version,
      description:
        'The REST surface of the orchestrator. Every path is under /api/v1 except /health. ' +
        'operationIds are the tRPC procedure names with `.` replaced by `_` (docs/api.md "OpenAPI document").',
    },
    servers: [
      {
        url: '{scheme}://{host}',
        description: 'A self-hosted orchestrator (the quick start listens on 127.0.0.1:3000)',
        variables: { scheme: { default: 'http', enum: ['http', 'https'] }, host: { default: '127.0.0.1:3000' } },
      },
    ],
    tags,
    paths,
    components: { schemas, securitySchemes: SECURITY_SCHEMES },
  };
}
