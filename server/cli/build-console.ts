import { buildConsoleIfStale } from './console-build.js';

// `npm run build:console`: builds the console when its sources changed since the last build.
const built = buildConsoleIfStale();
process.stdout.write(built ? 'console: built into console/build\n' : 'console: build is up to date\n');
