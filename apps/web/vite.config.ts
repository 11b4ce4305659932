import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The API serves dist/ at `/`, so assets are addressed from the root.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', sourcemap: true },
});
