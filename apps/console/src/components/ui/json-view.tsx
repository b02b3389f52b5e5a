import { memo, useMemo } from 'react';
import { prettyJson } from '../../lib/format.ts';

/** Pretty JSON; collapsible when given a summary line. */
export const JsonView = memo(function JsonView({
  value,
  summary,
  open = false,
  testId,
}: {
  value: unknown;
  summary?: string;
  open?: boolean;
  testId?: string;
}) {
  const text = useMemo(() => prettyJson(value), [value]);
  const pre = (
    <pre className="json" data-testid={testId}>
      {text}
    </pre>
  );
  if (!summary) return pre;
  return (
    <details className="json-details" open={open}>
      <summary>{summary}</summary>
      {pre}
    </details>
  );
});
