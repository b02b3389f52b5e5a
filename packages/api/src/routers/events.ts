import { runAs } from '@mm/core';
import { zMachineEventsInput } from '@mm/contracts';
import type { AuditEventView } from '@mm/contracts';
import { tracked } from '@trpc/server';
import { procedureWith, router } from '../trpc.ts';

/**
 * `events.onMachine`: the change feed as a tRPC v11 subscription (SSE through
 * `httpSubscriptionLink`; docs/liveness.md "The change feed"). Each event is `tracked` with its seq,
 * so a reconnecting client sends `lastEventId` and resumes with every event it missed, once.
 */
export const eventsRouter = router({
  onMachine: procedureWith(zMachineEventsInput).subscription(async function* ({ ctx, input, signal }) {
    // A generator's body runs where the stream pulls it, so the caller's scope is set here explicitly.
    await runAs(ctx.caller, () => ctx.services.events.assertReadable(input.machineId, input.includeInactive ?? false));
    const stop = AbortSignal.any([signal ?? new AbortController().signal, ...(ctx.shutdown ? [ctx.shutdown] : [])]);
    const after = input.lastEventId ? BigInt(input.lastEventId) : null;
    for await (const { seq, event } of ctx.services.events.stream(input.machineId, after, stop)) {
      yield tracked<AuditEventView>(seq, event);
    }
  }),
});
