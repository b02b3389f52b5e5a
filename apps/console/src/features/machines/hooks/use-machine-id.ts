import { useParams } from 'react-router-dom';

/** The machine of the current URL (`/machines/:machineId/...`). */
export function useMachineId(): string {
  const { machineId } = useParams();
  if (!machineId) throw new Error('route has no :machineId');
  return machineId;
}
