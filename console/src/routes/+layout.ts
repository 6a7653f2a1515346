// The console renders in the browser only: the server sends the same page for every path.
export const ssr = false;
export const prerender = false;
export const trailingSlash = 'never';
