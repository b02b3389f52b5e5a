/**
 * Holds the change feed's graph refetches for a machine while the editor saves something in
 * several calls (auto-layout: chunks of moves). A refetch between two chunks would bring the old
 * positions of the nodes not saved yet, and the freshly laid-out view would jump back and forth;
 * the editor refreshes once the save is done.
 */
const holds = new Map<string, number>();
const waiters = new Map<string, (() => void)[]>();

export function holdFeedRefetch(machineId: string): () => void {
  holds.set(machineId, (holds.get(machineId) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (holds.get(machineId) ?? 1) - 1;
    if (left > 0) return void holds.set(machineId, left);
    holds.delete(machineId);
    const ws = waiters.get(machineId) ?? [];
    waiters.delete(machineId);
    for (const w of ws) w();
  };
}

/** Resolves at once when nothing holds the machine's refetches, else when the last hold ends. */
export function feedNotHeld(machineId: string): Promise<void> {
  if (!holds.get(machineId)) return Promise.resolve();
  return new Promise((resolve) => waiters.set(machineId, [...(waiters.get(machineId) ?? []), resolve]));
}
