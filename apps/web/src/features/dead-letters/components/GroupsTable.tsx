// Dead letters grouped by error fingerprint (the message with numbers, ids and quoted values masked)
// and queue: the first thing to read when many jobs failed the same way. Each group reads as one of its
// letters' messages, with the fingerprint that groups them underneath. A group is a link, so the
// narrowed view has a URL of its own.
import { getRouteApi, Link } from '@tanstack/react-router';
import { DataTable, type Column } from '../../../components/DataTable';
import { RelativeTime } from '../../../components/RelativeTime';
import { formatCount } from '../../../lib/format';
import type { DeadLetterGroup } from '../api';

const route = getRouteApi('/_shell/dead-letters');

export function GroupsTable({ groups, selected }: { groups: readonly DeadLetterGroup[]; selected: string | undefined }) {
  const search = route.useSearch();
  const largest = Math.max(1, ...groups.map((g) => g.count));
  const columns: Array<Column<DeadLetterGroup>> = [
    {
      id: 'error',
      header: 'Error',
      cell: (g) => {
        const active = g.fingerprint === selected && g.queue === search.queue;
        return (
          <Link
            to="/dead-letters"
            search={{ ...search, group: active ? undefined : g.fingerprint, queue: active ? undefined : g.queue, page: undefined }}
            className="dl-group-link"
            aria-current={active ? 'true' : undefined}
            title={active ? 'Show every group again' : 'Show only this group'}
          >
            <span className="dl-group-sample">{g.sample || g.fingerprint}</span>
            <span className="dl-group-fingerprint mono faint">{g.fingerprint}</span>
          </Link>
        );
      },
    },
    { id: 'queue', header: 'Queue', cell: (g) => <span className="mono">{g.queue}</span> },
    {
      id: 'count',
      header: 'Letters',
      align: 'right',
      cell: (g) => (
        <span className="dl-count">
          <span className="dl-bar" aria-hidden="true" style={{ width: `${Math.max(4, (g.count / largest) * 100)}%` }} />
          <span className="num">{formatCount(g.count)}</span>
        </span>
      ),
    },
    { id: 'first', header: 'First seen', cell: (g) => <RelativeTime at={Date.parse(g.firstFailedAt)} /> },
    { id: 'last', header: 'Last seen', cell: (g) => <RelativeTime at={Date.parse(g.lastFailedAt)} /> },
  ];
  return <DataTable label="Error groups" columns={columns} rows={groups} rowKey={(g) => `${g.queue}\u0000${g.fingerprint}`} testId="dead-letter-groups" />;
}
