import { isRouteErrorResponse, Link, useRouteError } from 'react-router-dom';
import { EmptyState } from '../ui/states.tsx';

export function NotFoundPage() {
  return (
    <div className="page">
      <EmptyState title="Page not found" action={<Link to="/machines">Go to machines</Link>}>
        There is nothing at this address.
      </EmptyState>
    </div>
  );
}

export function RouteErrorPage() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : String(error);
  return (
    <div className="page">
      <div className="notice notice--error" role="alert">
        <div className="notice__head">
          <code className="notice__code">CONSOLE_ERROR</code>
        </div>
        <div className="notice__message">{message}</div>
        <a href="/machines">Reload the console</a>
      </div>
    </div>
  );
}
