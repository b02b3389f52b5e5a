/**
 * Writes the OpenAPI document the server serves at /api/v1/openapi.json to a file, for linters and
 * client generators (`pnpm openapi:lint`; docs/api.md "OpenAPI document").
 *
 *   node --import tsx apps/server/src/write-openapi.ts [out.json]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { buildOpenApiDocument, routeTable } from '@mm/rest';
import { VERSION } from './version.ts';

const out = resolve(process.argv[2] ?? '.data/openapi.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(buildOpenApiDocument(routeTable, VERSION), null, 2)}\n`);
console.log(`wrote ${out}`);
