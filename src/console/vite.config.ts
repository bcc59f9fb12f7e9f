// The console's build: src/console → dist/console, served by the gateway at /ui/. esbuild's own JSX
// transform is all React needs here (no Fast Refresh: the console is built, not developed, in this repo).
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'src/console',
  base: '/ui/',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: '../../dist/console',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
    rollupOptions: {
      // React Query's "use client" directives and zod's comment placement: harmless for a client bundle.
      onwarn(warning, warn) {
        if (['MODULE_LEVEL_DIRECTIVE', 'INVALID_ANNOTATION', 'SOURCEMAP_ERROR'].includes(warning.code ?? ''))
          return;
        warn(warning);
      },
    },
  },
  logLevel: 'warn',
});
