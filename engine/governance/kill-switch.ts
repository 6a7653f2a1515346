/** What the kill switch can cover: everything, or one domain of tools. */
export const killSwitchScopes = ['global', 'payouts', 'pricing', 'creators', 'ads', 'content'] as const;
export type KillSwitchScope = (typeof killSwitchScopes)[number];

export type KillSwitchState = Readonly<{ engaged: ReadonlySet<KillSwitchScope> }>;

export const killSwitchOff: KillSwitchState = Object.freeze({ engaged: new Set<KillSwitchScope>() });

/** The domain of a tool is the first segment of its name: `pricing.set_price` → pricing. */
export function toolDomain(tool: string): string {
  const dot = tool.indexOf('.');
  return dot === -1 ? tool : tool.slice(0, dot);
}

/** The engaged scope that covers this tool, if any (global first). */
export function killSwitchCovering(state: KillSwitchState, tool: string): KillSwitchScope | undefined {
  if (state.engaged.size === 0) return undefined;
  if (state.engaged.has('global')) return 'global';
  const domain = toolDomain(tool);
  return killSwitchScopes.find((scope) => scope === domain && state.engaged.has(scope));
}
