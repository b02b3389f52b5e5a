import { QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router-dom';
import { AppShell } from './components/layout/app-shell.tsx';
import { NotFoundPage, RouteErrorPage } from './components/layout/not-found.tsx';
import { Loading } from './components/ui/states.tsx';
import { ToastProvider } from './components/ui/toast.tsx';
import { AgentsPage } from './features/agents/components/agents-page.tsx';
import { AuditPage } from './features/audit/components/audit-page.tsx';
import { CataloguePage } from './features/catalogue/components/catalogue-page.tsx';
import { EndpointsPage } from './features/endpoints/components/endpoints-page.tsx';
import { MachineLayout } from './features/machines/components/machine-layout.tsx';
import { MachineOverview } from './features/machines/components/machine-overview.tsx';
import { MachinesPage } from './features/machines/components/machines-page.tsx';
import { PoliciesPage } from './features/policies/components/policies-page.tsx';
import { SessionGate } from './features/session/components/session-gate.tsx';
import { RunDetailPage } from './features/runs/components/run-detail-page.tsx';
import { RunsPage } from './features/runs/components/runs-page.tsx';
import { TaskDriverPage } from './features/tasks/components/task-driver-page.tsx';
import { TasksPage } from './features/tasks/components/tasks-page.tsx';
import { createQueryClient, createTrpcClient, trpc } from './lib/trpc.ts';

// React Flow and elkjs are the heaviest code here; only the graph tab needs them.
const GraphPage = lazy(() => import('./features/graph/components/graph-page.tsx'));

const router = createBrowserRouter([
  {
    element: <AppShell />,
    errorElement: <RouteErrorPage />,
    children: [
      { index: true, element: <Navigate to="/machines" replace /> },
      { path: 'machines', element: <MachinesPage /> },
      {
        path: 'machines/:machineId',
        element: <MachineLayout />,
        children: [
          { index: true, element: <MachineOverview /> },
          {
            path: 'graph',
            element: (
              <Suspense fallback={<Loading label="Loading graph editor…" />}>
                <GraphPage />
              </Suspense>
            ),
          },
          { path: 'tasks', element: <TasksPage /> },
          { path: 'tasks/:taskId', element: <TaskDriverPage /> },
          { path: 'endpoints', element: <EndpointsPage /> },
          { path: 'agents', element: <AgentsPage /> },
          { path: 'runs', element: <RunsPage /> },
          { path: 'runs/:runId', element: <RunDetailPage /> },
        ],
      },
      { path: 'policies', element: <PoliciesPage /> },
      { path: 'policies/:policyId', element: <PoliciesPage /> },
      { path: 'catalogue', element: <CataloguePage /> },
      { path: 'audit', element: <AuditPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);

export function App() {
  const [queryClient] = useState(createQueryClient);
  const [trpcClient] = useState(createTrpcClient);
  return (
    <trpc.Provider client={trpcClient} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <ToastProvider>
          <SessionGate>
            <RouterProvider router={router} />
          </SessionGate>
        </ToastProvider>
      </QueryClientProvider>
    </trpc.Provider>
  );
}
