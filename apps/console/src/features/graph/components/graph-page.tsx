import { ReactFlowProvider } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import '../graph.css';
import { ErrorNotice, Loading } from '../../../components/ui/states.tsx';
import { useMachineId } from '../../machines/hooks/use-machine-id.ts';
import { GraphCanvas } from '../canvas/graph-canvas.tsx';
import { useGraph } from '../hooks/use-graph.ts';

export default function GraphPage() {
  const machineId = useMachineId();
  const graph = useGraph(machineId);
  if (graph.isPending) return <Loading label="Loading graph…" />;
  if (graph.isError)
    return <ErrorNotice error={graph.error} onRetry={() => void graph.refetch()} testId="graph-error" />;
  return (
    <ReactFlowProvider>
      <GraphCanvas key={machineId} machineId={machineId} graph={graph.data} />
    </ReactFlowProvider>
  );
}
