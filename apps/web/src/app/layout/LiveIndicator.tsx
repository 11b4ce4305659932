import * as Tooltip from '@radix-ui/react-tooltip';
import { useLiveStatus } from '../../lib/live-events';

/** Says whether the page updates live (event stream), by polling (stream down), or Redis is unavailable. */
export function LiveIndicator() {
  const { mode, redisAvailable } = useLiveStatus();
  const text = !redisAvailable ? 'Redis unavailable' : mode === 'live' ? 'Live' : mode === 'polling' ? 'Polling every 5 s' : 'Connecting…';
  const explanation = !redisAvailable
    ? 'The API cannot reach Redis; figures shown may be stale.'
    : mode === 'live'
      ? 'Updates arrive as they happen through the event stream.'
      : mode === 'polling'
        ? 'The event stream is down; the page refreshes every 5 seconds until it is back.'
        : 'Opening the event stream.';
  return (
    <Tooltip.Root>
      <Tooltip.Trigger asChild>
        <span className="live" data-mode={mode} data-redis={redisAvailable ? 'up' : 'down'} data-testid="live-indicator" tabIndex={0} role="status" aria-live="polite">
          <span className="live-dot" aria-hidden="true" />
          {text}
        </span>
      </Tooltip.Trigger>
      <Tooltip.Portal>
        <Tooltip.Content className="tooltip" sideOffset={6}>
          {explanation}
        </Tooltip.Content>
      </Tooltip.Portal>
    </Tooltip.Root>
  );
}
