import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createAppRouter } from './app/router';
import { setUnauthenticatedHandler } from './lib/api-client';
import { createQueryClient } from './lib/query-client';
import { applyTheme } from './lib/theme';
import './styles.css';

applyTheme();
const queryClient = createQueryClient();
const router = createAppRouter(queryClient);

// Any 401 (session expired, signed out elsewhere, account disabled): back to sign-in, then to here.
setUnauthenticatedHandler(() => {
  const here = router.state.location;
  if (here.pathname === '/login') return;
  void router.navigate({ to: '/login', search: { next: here.href } }).then(() => queryClient.clear());
});

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element to render into.');

createRoot(container).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
