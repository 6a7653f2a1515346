import type { Role } from '../../engine/kernel/index.js';

/** Who is calling, as established by a token (a console session is a token of its own, kept in a cookie). */
export type Principal = Readonly<{
  id: string;
  name: string;
  kind: 'user' | 'agent';
  role: Role;
  orgUnitId: string;
  /** How the caller proved who it is. */
  via: { kind: 'api_token'; tokenId: string };
}>;
