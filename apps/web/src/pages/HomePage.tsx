import { HealthPanel } from '../components/HealthPanel';
import { ReadinessPanel } from '../components/ReadinessPanel';

/** The placeholder start page until the dashboard proper exists: is the instance up, and where to go. */
export function HomePage() {
  return (
    <main>
      <header>
        <h1>Bullpen</h1>
        <p>Background jobs of the game, and the console to run them.</p>
      </header>
      <div className="panels">
        <HealthPanel />
        <ReadinessPanel />
      </div>
      <nav aria-label="Tools">
        <ul>
          <li>
            <a href="/board">Bull Board</a> — queues and jobs (sign-in required)
          </li>
          <li>
            <a href="/api/v1/openapi.json">OpenAPI document</a> — the operations API
          </li>
        </ul>
      </nav>
    </main>
  );
}
