import adapter from '@sveltejs/adapter-static';

/**
 * adapter-static with an SPA fallback, not adapter-node: the console renders in the browser
 * and talks to the API over HTTP and Socket.IO only, so the fastify server just sends files.
 * No second server runtime sits inside fastify, and all privileged code stays in server/.
 * @type {import('@sveltejs/kit').Config}
 */
const config = {
  kit: {
    adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: true }),
    paths: { base: '/ops-console', relative: false },
    // The server's browser-safe contracts, and the pure engine for off-policy estimates.
    alias: { $contracts: '../server/contracts', $engine: '../engine' },
    // Only fallback and static assets: there is nothing to prerender behind a login.
    prerender: { entries: [] },
  },
};

export default config;
