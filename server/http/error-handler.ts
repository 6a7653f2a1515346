import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors/catalog.js';
import { problemContentType, toAppError, toProblem } from '../errors/problem.js';

/** Fastify's own errors that are the client's fault, mapped to our catalog. */
function fromFastify(error: FastifyError): AppError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('INVALID_JSON', 'The body is not valid JSON', { errors: [{ path: 'body', message: 'is not valid JSON' }] });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('BODY_TOO_LARGE', 'The body is larger than this endpoint accepts', { errors: [{ path: 'body', message: 'is too large' }] });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json');
    default:
      break;
  }
  // A body the JSON parser choked on surfaces as a SyntaxError with status 400.
  if (error instanceof SyntaxError && error.statusCode === 400) {
    return new AppError('INVALID_JSON', 'The body is not valid JSON', { errors: [{ path: 'body', message: 'is not valid JSON' }] });
  }
  if (error.statusCode === 429) return new AppError('RATE_LIMITED', error.message);
  return undefined;
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  const problem = toProblem(error, { instance: request.url, requestId: String(request.id) });
  return reply.status(error.status).type(problemContentType).send(problem);
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((rawError: FastifyError, request, reply) => {
    const error = fromFastify(rawError) ?? toAppError(rawError);
    if (error.status >= 500) request.log.error({ err: error.cause ?? rawError }, 'request failed');
    else request.log.info({ code: error.code, detail: error.message }, 'request refused');
    return sendProblem(request, reply, error);
  });
  app.setNotFoundHandler((request, reply) => sendProblem(request, reply, new AppError('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`)));
}
