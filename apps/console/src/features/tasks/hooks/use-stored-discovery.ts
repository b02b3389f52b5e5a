import type { DiscoverTaskResponse } from '@mm/contracts';
import { useCallback, useState } from 'react';
import { readDiscovery, writeDiscovery } from '../discovery-memory.ts';

/** The task's last discovery result, surviving a reload of the tab (sessionStorage). */
export function useStoredDiscovery(taskId: string) {
  const [result, setResult] = useState<DiscoverTaskResponse | null>(() => readDiscovery(sessionStorage, taskId));
  const store = useCallback((r: DiscoverTaskResponse) => {
    writeDiscovery(sessionStorage, r);
    setResult(r);
  }, []);
  return [result, store] as const;
}
