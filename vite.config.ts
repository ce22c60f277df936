import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The window (src-renderer) built into dist/renderer: `fileorg serve` serves it at `/`, and the Electron shell
 * loads the same files. Asset names carry their content hash, so they can be cached for good; index.html is
 * served uncached. No inline script or style is emitted: the page runs under `script-src 'self'`.
 */
export default defineConfig({
  root: fileURLToPath(new URL('./src-renderer', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // The module-preload polyfill is for browsers older than the Chromium the app ships with.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: true,
    reportCompressedSize: false,
    // One bundle for a local window (React, React Aria, zod): loaded from disk or loopback, never a network.
    chunkSizeWarningLimit: 1024,
  },
});
