import {
  zListQuery,
  zServiceIdParams,
  zServiceListQuery,
  zSkillKeyParams,
  zUpsertServiceRequest,
  zUpsertSkillRequest,
} from '@mm/contracts';
import { procedureWith, router } from '../trpc.ts';

export const catalogueRouter = router({
  listSkills: procedureWith(zListQuery.default({})).query(({ ctx, input }) => ctx.services.catalogue.listSkills(input)),
  listServices: procedureWith(zServiceListQuery.extend(zListQuery.shape).default({})).query(({ ctx, input }) =>
    ctx.services.catalogue.listServices(input),
  ),
  getService: procedureWith(zServiceIdParams).query(({ ctx, input }) =>
    ctx.services.catalogue.getService(input.serviceId),
  ),
  upsertSkill: procedureWith(zSkillKeyParams.extend(zUpsertSkillRequest.shape)).mutation(({ ctx, input }) => {
    const { skillKey, ...body } = input;
    return ctx.services.catalogue.upsertSkill(skillKey, body, ctx.caller);
  }),
  upsertService: procedureWith(zServiceIdParams.extend(zUpsertServiceRequest.shape)).mutation(({ ctx, input }) => {
    const { serviceId, ...body } = input;
    return ctx.services.catalogue.upsertService(serviceId, body, ctx.caller);
  }),
});
