// Worker threads start without the TypeScript loader the main thread may have: load the
// worker through tsx's API, which works under `tsx`, plain `node` and test runners alike.
import { tsImport } from 'tsx/esm/api';

const worker = await tsImport('./worker.ts', import.meta.url);

export default worker.default;
