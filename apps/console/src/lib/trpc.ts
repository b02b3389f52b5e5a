import type { AppRouter } from '@mm/api';
import { QueryClient } from '@tanstack/react-query';
import { httpBatchLink } from '@trpc/client';
import { createTRPCReact } from '@trpc/react-query';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { apiFetch, apiKeyHeaders } from './api-key.ts';
import { appErrorOf } from './errors.ts';

export const trpc = createTRPCReact<AppRouter>();

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        refetchOnWindowFocus: false,
        // A 4xx is an answer, not a hiccup: show it at once instead of retrying it. An unreachable
        // server is retried for as long as the page is open (the shell shows a banner meanwhile).
        retry: (failureCount, error) => {
          const info = appErrorOf(error);
          if (info.code === 'NETWORK_ERROR') return true;
          if (info.httpStatus !== undefined && info.httpStatus < 500) return false;
          return failureCount < 2;
        },
        retryDelay: (attempt) => Math.min(500 * 2 ** attempt, 5_000),
      },
    },
  });
}

export function createTrpcClient() {
  return trpc.createClient({
    links: [
      httpBatchLink({
        url: '/trpc',
        maxItems: 50,
        // The batched procedure names ride in the path, which the server caps at 512 characters.
        maxURLLength: 500,
        // The signed-in key on every call (read per request: it changes at sign-in); a 401 signs
        // the tab out (docs/console.md "Signing in").
        headers: () => apiKeyHeaders(),
        fetch: (url, init) => apiFetch(url, init as RequestInit),
      }),
    ],
  });
}
