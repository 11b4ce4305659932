import { useQuery } from '@tanstack/react-query';
import { healthQueryOptions } from '../api/health';
import { StatusPanel } from './StatusPanel';

/** What `/healthz` says about the instance that answered. */
export function HealthPanel() {
  const health = useQuery(healthQueryOptions());
  return (
    <StatusPanel title="Health" state={health}>
      {health.data && (
        <dl>
          <dt>Status</dt>
          <dd data-testid="health-status">{health.data.status}</dd>
          <dt>Instance</dt>
          <dd data-testid="health-instance">{health.data.instanceId}</dd>
          <dt>Roles</dt>
          <dd>{health.data.roles.join(', ')}</dd>
          <dt>Version</dt>
          <dd>{health.data.version}</dd>
        </dl>
      )}
    </StatusPanel>
  );
}
