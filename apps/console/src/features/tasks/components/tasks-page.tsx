import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Button } from '../../../components/ui/button.tsx';
import { Panel } from '../../../components/ui/panel.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../../components/ui/states.tsx';
import { StatusBadge } from '../../../components/ui/status-badge.tsx';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import { useMachineId } from '../../machines/hooks/use-machine-id.ts';
import { useWriteLock } from '../../machines/hooks/use-write-lock.ts';
import { useTasks } from '../hooks/use-tasks.ts';
import { CreateTaskForm } from './create-task-form.tsx';

export function TasksPage() {
  const machineId = useMachineId();
  const lock = useWriteLock();
  const tasks = useTasks(machineId);
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);

  return (
    <div className="stack">
      {creating ? (
        <Panel
          title="New task"
          actions={
            <Button size="sm" onClick={() => setCreating(false)}>
              Cancel
            </Button>
          }
        >
          <CreateTaskForm
            machineId={machineId}
            onCreated={(taskId) => void navigate(`/machines/${machineId}/tasks/${taskId}`)}
          />
        </Panel>
      ) : null}
      <Panel
        title="Tasks"
        actions={
          !creating ? (
            <Button
              variant="primary"
              onClick={() => setCreating(true)}
              disabled={lock !== null}
              title={lock ?? undefined}
              data-testid="new-task"
            >
              New task
            </Button>
          ) : null
        }
      >
        {tasks.isPending ? (
          <Loading />
        ) : tasks.isError ? (
          <ErrorNotice error={tasks.error} onRetry={() => void tasks.refetch()} />
        ) : tasks.data.items.length === 0 ? (
          <EmptyState
            title="No tasks yet"
            action={
              !creating ? (
                <Button variant="primary" onClick={() => setCreating(true)}>
                  Create a task
                </Button>
              ) : null
            }
          >
            A task asks the orchestrator for a service type; you then discover candidates, resolve a route and execute
            it.
          </EmptyState>
        ) : (
          <table className="table" data-testid="tasks-table">
            <thead>
              <tr>
                <th>Task</th>
                <th>Service type</th>
                <th>Operation</th>
                <th>Status</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {tasks.data.items.map((t) => (
                <tr key={t.id} data-testid="task-row" data-task-id={t.id}>
                  <td data-label="Task">
                    <Link to={`/machines/${machineId}/tasks/${t.id}`} className="strong-link">
                      {t.taskType}
                    </Link>
                    <div className="mono small muted">{t.id}</div>
                  </td>
                  <td data-label="Service type">{t.serviceType}</td>
                  <td className="mono" data-label="Operation">
                    {t.operation ?? '—'}
                  </td>
                  <td data-label="Status">
                    <StatusBadge status={t.status} />
                  </td>
                  <td className="muted" title={formatDateTime(t.createdAt)} data-label="Created">
                    {formatRelative(t.createdAt)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </div>
  );
}
