import type { ToolSpec } from '../../engine/tools/index.js';
import type { ToolImplementation } from './tool-implementation.js';

/** The tools a router knows, by name. Built once at start; a name registered twice is a wiring bug. */
export type ToolRegistry = {
  register<Input, Output>(tool: ToolImplementation<Input, Output>): void;
  lookup(name: string): ToolImplementation | undefined;
  specs(): readonly ToolSpec[];
};

export class DuplicateToolError extends Error {
  constructor(readonly toolName: string) {
    super(`a tool named ${toolName} is already registered`);
    this.name = 'DuplicateToolError';
  }
}

const toolNamePattern = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

export function createToolRegistry(tools: readonly ToolImplementation[] = []): ToolRegistry {
  const byName = new Map<string, ToolImplementation>();
  const registry: ToolRegistry = {
    register(tool) {
      const { name } = tool.spec;
      // Policies and kill-switch scopes match on `domain.verb`; any other name could never be governed.
      if (!toolNamePattern.test(name)) throw new TypeError(`tool name ${name} is not lowercase domain.verb`);
      if (byName.has(name)) throw new DuplicateToolError(name);
      // Input types are erased here; the router validates with the spec before calling.
      byName.set(name, tool);
    },
    lookup: (name) => byName.get(name),
    specs: () => [...byName.values()].map((tool) => tool.spec),
  };
  for (const tool of tools) registry.register(tool);
  return registry;
}
