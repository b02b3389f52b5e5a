import { z } from 'zod';
import type { RouteDef } from './route.ts';

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'openapi-3.0' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

function parametersOf(schema: z.ZodType | undefined, location: 'path' | 'query') {
  if (!schema) return [];
  const json = schemaOf(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: location,
    required: location === 'path' || (json.required ?? []).includes(name),
    schema: s,
  }));
}

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: { type: 'object', additionalProperties: true },
      },
    },
  },
};

/** OpenAPI 3.0 for every REST route, generated from the same zod contracts the routes validate with. */
export function buildOpenApiDocument(routes: RouteDef[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = `/api/v1${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`;
    const responses: Record<string, unknown> = {
      [String(r.status)]:
        r.status === 204
          ? { description: 'No content' }
          : {
              description: 'Success',
              ...(r.response && { content: { 'application/json': { schema: schemaOf(r.response, 'output') } } }),
            },
      default: {
        description: `Error envelope${r.errors?.length ? ` (${r.errors.join(', ')})` : ''}`,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    };
    if (r.upsert) responses['201'] = responses[String(r.status)];
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = {
      summary: r.summary,
      tags: [r.tag],
      parameters: [...parametersOf(r.params, 'path'), ...parametersOf(r.query, 'query')],
      ...(r.body && {
        requestBody: { required: true, content: { 'application/json': { schema: schemaOf(r.body, 'input') } } },
      }),
      responses,
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'Machine Markets orchestrator', version },
    servers: [{ url: '/' }],
    paths,
    components: { schemas: { Error: errorSchema } },
  };
}
