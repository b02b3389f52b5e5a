export * from './backoff.ts';
export * from './config.ts';
export * from './log.ts';
export * from './loop.ts';
export * from './probe.ts';
export * from './server-client.ts';
export * from './token-file.ts';
