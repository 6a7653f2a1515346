import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [sveltekit()],
  // The console imports the server's browser-safe contracts from outside its folder.
  server: { fs: { allow: ['..'] } },
  build: { chunkSizeWarningLimit: 800 },
  // Bundled, not external: the root node_modules hoists a newer cookie (fastify's) than the one kit needs.
  ssr: { noExternal: ['cookie'] },
});
