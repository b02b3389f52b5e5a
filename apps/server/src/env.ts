import { NETWORK_SCOPES, parseCidr } from '@mm/core';
import type { Cidr } from '@mm/core';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', ''])
  .default('false')
  .transform((v) => v === 'true' || v === '1');

const list = (raw: string) =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Which network scopes endpoints may use (docs/trust.md "Outbound calls"); all four by default. */
const zAllowedScopes = z
  .string()
  .default('')
  .transform((raw, ctx) => {
    const scopes = list(raw.toLowerCase());
    if (scopes.length === 0) return [...NETWORK_SCOPES];
    const bad = scopes.filter((s) => !(NETWORK_SCOPES as readonly string[]).includes(s));
    if (bad.length) {
      ctx.addIssue({ code: 'custom', message: `unknown scope(s) ${bad.join(', ')}; use ${NETWORK_SCOPES.join(',')}` });
      return z.NEVER;
    }
    return NETWORK_SCOPES.filter((s) => scopes.includes(s));
  });

/** Extra ranges that count as `vpn` (comma-separated CIDRs). */
const zVpnCidrs = z
  .string()
  .default('')
  .transform((raw, ctx) => {
    const out: Cidr[] = [];
    for (const entry of list(raw)) {
      try {
        out.push(parseCidr(entry));
      } catch {
        ctx.addIssue({ code: 'custom', message: `${entry} is not a CIDR range (a.b.c.d/n or x:y::/n)` });
        return z.NEVER;
      }
    }
    return out;
  });

/** Every setting of the process, parsed once; nothing else reads `process.env`. */
export const zEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  MM_DATA_DIR: z.string().min(1).default('.data'),
  MM_SECRET_KEY: z.string().optional(),
  PEAQOS_REQUIRE_API_AUTH: bool,
  /** `owner:key` pairs, comma-separated (or bare keys, owned by `api-key`). Used when API auth is on. */
  MM_API_KEYS: z.string().default(''),
  /** Owners (from MM_API_KEYS) that are administrators: they see and change everything (context C3). */
  MM_ADMIN_KEY_OWNERS: z.string().default(''),
  PEAQOS_MACHINE_IDENTITY_VERIFICATION: z.enum(['off', 'required']).default('off'),
  MM_RUNTIME_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  MM_ALLOWED_NETWORK_SCOPES: zAllowedScopes,
  MM_VPN_CIDRS: zVpnCidrs,
  /** Cap on a runtime answer after decoding; default 4 MiB. */
  MM_RUNTIME_MAX_RESPONSE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .default(4 * 1024 * 1024),
  /** How often lapsed leases are swept (ms). */
  MM_LEASE_SWEEP_MS: z.coerce.number().int().min(100).max(3_600_000).default(5_000),
  /** How often executions whose claim lapsed are settled as interrupted (ms). */
  MM_RECOVERY_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
  /** Probing (context C6, docs/liveness.md "Probing"): period (0 = off), timeout, hysteresis. */
  MM_PROBE_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(3_600_000)
    .refine((v) => v === 0 || v >= 100, 'must be 0 (off) or at least 100')
    .default(10_000),
  MM_PROBE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
  MM_PROBE_FAILURES_TO_UNREACHABLE: z.coerce.number().int().min(1).max(100).default(3),
  MM_PROBE_SUCCESSES_TO_ACTIVE: z.coerce.number().int().min(1).max(100).default(1),
  /** Audit events older than this many days are pruned (context C7); 0 keeps them forever. */
  MM_AUDIT_RETENTION_DAYS: z.coerce.number().min(0).max(36_500).default(90),
  /** How often the retention pass runs (ms). */
  MM_AUDIT_RETENTION_INTERVAL_MS: z.coerce.number().int().min(100).max(86_400_000).default(3_600_000),
  /** Comment lines an idle change feed sends to keep proxies from closing it (ms). */
  MM_EVENTS_HEARTBEAT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
  /** Most nodes in one machine's graph; twice as many edges (context C5). */
  MM_GRAPH_MAX_NODES: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  /** MiB of finished GET graph answers one process keeps (docs/database.md "The graph answer cache"); 0: none. */
  MM_GRAPH_CACHE_MB: z.coerce.number().min(0).max(65_536).default(64),
  /** PostgreSQL pool size, connect timeout and statement timeout (docs/faults.md). */
  MM_DB_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
  MM_DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(3_000),
  MM_DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** Longest a graceful shutdown waits for executions in flight; unset: their own bound + 5 s. */
  MM_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The built console; defaults to apps/console/dist. */
  MM_CONSOLE_DIR: z.string().optional(),
});
export type Env = z.infer<typeof zEnv>;

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = zEnv.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}
