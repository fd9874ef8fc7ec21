// The dashboard's build: one small bundle (Preact + polkadot-api) into ui/dist, with relative
// paths so that any static server (scripts/serve.mjs, the run command's) can serve it.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  base: './',
  resolve: {
    alias: {
      // Generated from the runtime's wasm by scripts/descriptors.mjs (not an npm package).
      '@polkadot-api/descriptors': fileURLToPath(new URL('./.papi/descriptors/dist/index.js', import.meta.url)),
    },
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { target: 'es2022', sourcemap: false, reportCompressedSize: true },
});
