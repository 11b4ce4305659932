import { useQuery } from '@tanstack/react-query';
import { readinessQueryOptions } from '../api/health';
import { StatusPanel } from './StatusPanel';

/** What `/readyz` says about the dependencies (Redis, PostgreSQL) of the instance that answered. */
export function ReadinessPanel() {
  const readiness = useQuery(readinessQueryOptions());
  return (
    <StatusPanel title="Readiness" state={readiness}>
      {readiness.data && (
        <dl>
          <dt>Status</dt>
          <dd data-testid="readiness-status">{readiness.data.status}</dd>
          {Object.entries(readiness.data.checks).map(([name, up]) => (
            <div key={name} className="check">
              <dt>{name}</dt>
              <dd data-testid={`readiness-check-${name}`}>{up ? 'up' : 'down'}</dd>
            </div>
          ))}
        </dl>
      )}
    </StatusPanel>
  );
}
