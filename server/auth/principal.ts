import type { Role } from '../../engine/kernel/index.js';

/** Who is calling, as established by a token (or, later, a console session). */
export type Principal = Readonly<{
  id: string;
  name: string;
  kind: 'user' | 'agent';
  role: Role;
  orgUnitId: string;
  /** How the caller proved who it is; a cookie session will add its own kind. */
  via: { kind: 'api_token'; tokenId: string };
}>;
