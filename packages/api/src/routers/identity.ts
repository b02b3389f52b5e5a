import { zCreateIdentityChallengeRequest, zIdentityRefParams, zPutIdentityControllersRequest } from '@mm/contracts';
import { procedureWith, router } from '../trpc.ts';

/** Machine identity verification (context A3/B2): challenges and the local controller registry. */
export const identityRouter = router({
  createChallenge: procedureWith(zCreateIdentityChallengeRequest).mutation(({ ctx, input }) =>
    ctx.services.identity.createChallenge(input, ctx.caller),
  ),
  getController: procedureWith(zIdentityRefParams).query(({ ctx, input }) =>
    ctx.services.identity.getControllers(input.identityRef),
  ),
  putController: procedureWith(zIdentityRefParams.extend(zPutIdentityControllersRequest.shape)).mutation(
    async ({ ctx, input }) => {
      const { identityRef, ...body } = input;
      // The view, not `{item, created}` (docs/api.md "tRPC answers").
      const { item } = await ctx.services.identity.putControllers(identityRef, body, ctx.caller);
      return item;
    },
  ),
});
