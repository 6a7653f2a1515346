import type { Logger } from 'pino';
import type { ExtendedError } from 'socket.io';
import { z } from 'zod';
import type { HandshakeRefusal } from '../contracts/stream-events.js';
import type { Authenticator } from '../auth/authenticator.js';
import { cookieValue, sessionCookieName } from '../auth/console-session.js';
import type { LiveSocket } from './live-socket.js';
import { unexpectedFailure } from './stream-errors.js';

const handshakeAuthSchema = z.object({ token: z.string().min(1).max(256) });

/** The API token the client sent in the handshake auth (if of a sane shape), else its console session cookie's. */
export function handshakeToken(socket: LiveSocket): string | undefined {
  const auth = handshakeAuthSchema.safeParse(socket.handshake.auth);
  return auth.success ? auth.data.token : cookieValue(socket.handshake.headers.cookie, sessionCookieName);
}

export function refusal(data: HandshakeRefusal): ExtendedError {
  // The message is the code, so a client can branch on `connect_error.message`; `data` explains.
  const error: ExtendedError = new Error(data.code);
  error.data = data;
  return error;
}

/**
 * The socket.io middleware that admits only a valid API token, sent in the handshake's
 * `auth.token`, or the console's session cookie (SameSite=Strict, so another site's page
 * cannot open a socket with it). A token in the URL is refused even when valid: URLs end up in logs.
 */
export function handshakeAuthentication(authenticator: Authenticator, logger: Logger) {
  async function admit(socket: LiveSocket): Promise<ExtendedError | undefined> {
    if ('token' in socket.handshake.query) {
      return refusal({ code: 'UNAUTHENTICATED', message: 'Send the API token in the handshake auth (auth.token), never in the URL' });
    }
    const token = handshakeToken(socket);
    if (!token) return refusal({ code: 'UNAUTHENTICATED', message: 'An API token is required in the handshake auth (auth.token), or a console session cookie' });
    const principal = await authenticator.authenticate(token);
    if (!principal) return refusal({ code: 'UNAUTHENTICATED', message: 'The API token is not valid' });
    socket.data.principal = principal;
    return undefined;
  }

  return (socket: LiveSocket, next: (error?: ExtendedError) => void): void => {
    admit(socket).then(next, (error: unknown) => {
      logger.error({ err: error }, 'live stream: handshake authentication failed');
      const { code, message } = unexpectedFailure(error).error;
      next(refusal({ code: code === 'DATABASE_UNAVAILABLE' ? code : 'INTERNAL', message }));
    });
  };
}
