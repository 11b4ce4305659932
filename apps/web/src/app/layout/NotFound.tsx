import { Link } from '@tanstack/react-router';
import { EmptyState } from '../../components/States';

export function NotFound() {
  return (
    <div className="content">
      <EmptyState title="Page not found">
        <Link to="/">Back to the overview</Link>
      </EmptyState>
    </div>
  );
}
