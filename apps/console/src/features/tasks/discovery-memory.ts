import { zDiscoverTaskResponse } from '@mm/contracts';
import type { DiscoverTaskResponse } from '@mm/contracts';

/**
 * The last discovery of a task, kept in the tab's sessionStorage under its task id: discovery
 * changes nothing on the server, so without this a reload dropped its result. Read back through the
 * contract's schema, so a stale or foreign entry is ignored rather than shown.
 */
const keyOf = (taskId: string) => `mm.discovery.${taskId}`;

export function readDiscovery(storage: Pick<Storage, 'getItem'>, taskId: string): DiscoverTaskResponse | null {
  try {
    const raw = storage.getItem(keyOf(taskId));
    if (!raw) return null;
    const parsed = zDiscoverTaskResponse.safeParse(JSON.parse(raw));
    return parsed.success && parsed.data.taskId === taskId ? parsed.data : null;
  } catch {
    return null;
  }
}

export function writeDiscovery(storage: Pick<Storage, 'setItem'>, result: DiscoverTaskResponse): void {
  try {
    storage.setItem(keyOf(result.taskId), JSON.stringify(result));
  } catch {
    // Full or disabled storage: the result is still shown, just not kept.
  }
}
