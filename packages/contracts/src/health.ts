import { z } from 'zod';

export const zHealthView = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  database: z.enum(['ok', 'down']),
});
export type HealthView = z.infer<typeof zHealthView>;
