// The demo's three pages, built into build/web-demo. The package is imported by its own name
// (`pop3-wasm`, `pop3-wasm/mime`, `pop3-wasm/server`): Vite resolves it through package.json's
// `exports`, as in any app that installs it.
import { fileURLToPath } from 'node:url';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));

export default {
  root: here('.'),
  base: './',
  logLevel: 'warn',
  build: {
    outDir: here('../build/web-demo'),
    emptyOutDir: true,
    rollupOptions: {
      input: {
        mail: here('index.html'),
        walkthrough: here('walkthrough.html'),
        explainer: here('explainer.html'),
      },
    },
  },
};
