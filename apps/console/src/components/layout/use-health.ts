import { zHealthView } from '@mm/contracts';
import type { HealthView } from '@mm/contracts';
import { useQuery } from '@tanstack/react-query';
import { apiFetch } from '../../lib/api-key.ts';

/** `/health` is plain REST at the host root (not tRPC); it needs no key, but every fetch goes one way. */
export function useHealth() {
  return useQuery<HealthView>({
    queryKey: ['health'],
    queryFn: async () => {
      const res = await apiFetch('/health');
      return zHealthView.parse(await res.json());
    },
    // Poll faster while the server is down, so the banner goes as soon as it is back.
    refetchInterval: (q) => (q.state.status === 'error' ? 2_000 : 15_000),
    retry: false,
  });
}
