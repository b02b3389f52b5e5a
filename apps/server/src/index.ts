export { buildApp } from './app.ts';
export type { App, BuildOptions } from './app.ts';
export { parseEnv, zEnv } from './env.ts';
export type { Env } from './env.ts';
