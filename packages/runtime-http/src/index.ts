export { createHttpRuntime, DEFAULT_MAX_RESPONSE_BYTES } from './http-runtime.ts';
export type { HttpRuntimeOptions } from './http-runtime.ts';
export { AddressRefusedError, allowedAddresses, systemResolver } from './safe-connect.ts';
export type { Resolver } from './safe-connect.ts';
export { buildRuntimeRequest, authHeaders } from './protocols.ts';
export { classifyFailure } from './classify.ts';
