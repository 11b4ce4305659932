// A page whose feature has not landed yet: it says so instead of 404ing, so navigation is complete.
import { EmptyState } from '../../components/States';

export function placeholderPage(title: string, what: string) {
  return function PlaceholderPage() {
    return (
      <>
        <div className="page-header">
          <div className="titles">
            <h1>{title}</h1>
          </div>
        </div>
        <div className="card">
          <EmptyState title={`${title} is coming`}>{what}</EmptyState>
        </div>
      </>
    );
  };
}
