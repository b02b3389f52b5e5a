import { API_CALLER } from '@mm/core';
import type { SessionView } from '@mm/contracts';
import { authedProcedure, router } from '../trpc.ts';

export const sessionRouter = router({
  /** Who the API key belongs to; with auth off the server answers with its one caller, `local`. */
  get: authedProcedure.query(({ ctx }): SessionView => ({
    principal: ctx.caller.ownerId,
    admin: ctx.caller.admin ?? false,
    authRequired: ctx.caller !== API_CALLER,
  })),
});
