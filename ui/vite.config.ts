// Vite + Vitest configuration for the Iris front end (built into ui/dist, loaded by Tauri).
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  plugins: [svelte()],
  // Relative asset URLs: the built page works from tauri://, http:// and file:// alike.
  base: './',
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline polyfill script: the app runs under a strict CSP.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // Generous: the first test of a file pays for transforming its imports, slow on a busy
    // 2-core machine.
    testTimeout: 30000,
  },
});
