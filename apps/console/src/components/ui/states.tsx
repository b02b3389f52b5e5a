import type { ReactNode } from 'react';
import { appErrorOf, fieldErrorsOf } from '../../lib/errors.ts';
import { JsonView } from './json-view.tsx';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state--loading" role="status" data-testid="loading">
      <span className="spinner" aria-hidden />
      <span>{label}</span>
    </div>
  );
}

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="state state--empty" data-testid="empty-state">
      <div className="state__title">{title}</div>
      {children ? <div className="state__body">{children}</div> : null}
      {action ? <div className="state__action">{action}</div> : null}
    </div>
  );
}

/**
 * Shows a failure as the server stated it: its code, message, the failing fields of a validation
 * error, and any records attached to it. Nothing is swallowed.
 */
export function ErrorNotice({
  error,
  title,
  onRetry,
  testId = 'error',
  showExtra = true,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
  testId?: string;
  showExtra?: boolean;
}) {
  if (!error) return null;
  const info = appErrorOf(error);
  const fields = fieldErrorsOf(info);
  const otherDetails = info.details
    ? Object.fromEntries(Object.entries(info.details).filter(([k]) => k !== 'fields'))
    : {};
  return (
    <div className="notice notice--error" role="alert" data-testid={testId} data-code={info.code}>
      <div className="notice__head">
        <code className="notice__code" data-testid={`${testId}-code`}>
          {info.code}
        </code>
        {info.httpStatus ? <span className="muted">HTTP {info.httpStatus}</span> : null}
        {title ? <strong>{title}</strong> : null}
        {onRetry ? (
          <button type="button" className="btn btn--ghost btn--sm notice__retry" onClick={onRetry}>
            Retry
          </button>
        ) : null}
      </div>
      <div className="notice__message" data-testid={`${testId}-message`}>
        {info.message}
      </div>
      {Object.keys(fields).length > 0 ? (
        <ul className="notice__fields">
          {Object.entries(fields).map(([path, why]) => (
            <li key={path}>
              <code>{path}</code> {why}
            </li>
          ))}
        </ul>
      ) : null}
      {Object.keys(otherDetails).length > 0 ? <JsonView value={otherDetails} summary="details" /> : null}
      {showExtra && info.extra ? <JsonView value={info.extra} summary="attached records" /> : null}
    </div>
  );
}

export function Notice({
  tone = 'info',
  children,
  testId,
}: {
  tone?: 'info' | 'warn' | 'success';
  children: ReactNode;
  testId?: string;
}) {
  return (
    <div className={`notice notice--${tone}`} data-testid={testId}>
      {children}
    </div>
  );
}
