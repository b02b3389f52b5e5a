import { z } from 'zod';

/**
 * Who is calling (`GET /api/v1/session`, tRPC `session.get`): the principal the API key belongs to
 * (`local` with auth off), whether it is an administrator (catalogue and identity-registry writes),
 * and whether this deployment requires an API key (`PEAQOS_REQUIRE_API_AUTH`).
 */
export const zSessionView = z.object({
  principal: z.string(),
  admin: z.boolean(),
  authRequired: z.boolean(),
});
export type SessionView = z.infer<typeof zSessionView>;
