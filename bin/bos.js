#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so `npx bos` needs no build step.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../server/cli/main.ts', import.meta.url).href);
