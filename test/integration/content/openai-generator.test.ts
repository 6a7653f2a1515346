import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ContentRequest } from '../../../engine/content/index.js';
import { scoreContent } from '../../../engine/evaluator/index.js';
import { generateCatalog } from '../../../engine/world/index.js';
import { createContentGenerator } from '../../../server/content/content-generators.js';
import { chatCompletionsUrl, ContentProviderError, createOpenAiGenerator } from '../../../server/content/openai-generator.js';
import { TransientToolError } from '../../../server/tools/tool-errors.js';

/**
 * A local HTTP server that speaks the chat-completions shape: it records each request and
 * answers as the test tells it to.
 */
type Recorded = { method: string; url: string; headers: IncomingMessage['headers']; body: { model: string; messages: { role: string; content: string }[]; temperature: number } };
type Answer = (response: ServerResponse) => void;

let server: Server;
let baseUrl: string;
const recorded: Recorded[] = [];
let answer: Answer;

const json = (status: number, body: unknown): Answer => (response) => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};
const completion = (content: string | null, model = 'local-model-2') =>
  json(200, { id: 'chatcmpl-1', object: 'chat.completion', model, choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] });

beforeAll(async () => {
  server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    request.on('end', () => {
      recorded.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: JSON.parse(raw) as Recorded['body'] });
      answer(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  recorded.length = 0;
});

const product = generateCatalog({ seed: 1 }).products[0]!;
const request: ContentRequest = { sku: product.sku, channel: 'social_post', product, attempt: 1 };
const generator = (timeoutMs = 2_000) => createOpenAiGenerator({ url: baseUrl, model: 'local-model', apiKey: 'sk-local-test', timeoutMs });

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('expected the call to fail');
}

describe('the OpenAI-compatible content provider', () => {
  it('posts a chat completion with the facts, the limits and the banned claims, and returns the text', async () => {
    const written = `Meet the ${product.name.split(' — ')[0]}. It is made with ${product.facts.material}. ${product.facts.highlights.join(' and ')}. Shop it live today.`;
    answer = completion(`  ${written}\n`);
    const result = await generator().generate({ ...request, brief: 'Mention the evening stream.' });
    expect(result).toEqual({ text: written, provider: 'openai_compatible', model: 'local-model-2' });
    expect(scoreContent(result.text, { product, channel: 'social_post' }).passed).toBe(true);

    const [sent] = recorded;
    expect(sent).toMatchObject({ method: 'POST', url: '/v1/chat/completions', headers: { authorization: 'Bearer sk-local-test', 'content-type': 'application/json' } });
    expect(sent!.body).toMatchObject({ model: 'local-model', temperature: 0.7 });
    const [system, user] = sent!.body.messages;
    expect(system).toMatchObject({ role: 'system' });
    expect(system!.content).toContain('guaranteed, risk-free');
    expect(user!.content).toContain('10 to 60 words, at most 280 characters');
    expect(user!.content).toContain(`- material: ${product.facts.material}`);
    for (const highlight of product.facts.highlights) expect(user!.content).toContain(`- highlight: ${highlight}`);
    expect(user!.content).toContain('The requester asks: Mention the evening stream.');
  });

  it('passes the reasons a draft failed to the retry', async () => {
    answer = completion('A second draft.');
    await generator().generate({ ...request, attempt: 2, feedback: ['missing material "jojoba oil"'] });
    expect(recorded[0]!.body.temperature).toBe(0.9);
    expect(recorded[0]!.body.messages[1]!.content).toContain('An earlier draft was rejected. Fix every one of these:\n- missing material "jojoba oil"');
  });

  it('sends no Authorization header without a key, and names the configured model when the answer does not', async () => {
    answer = json(200, { choices: [{ message: { content: 'Text.' } }] });
    const keyless = createOpenAiGenerator({ url: `${baseUrl}/chat/completions/`, model: 'local-model', timeoutMs: 2_000 });
    expect(await keyless.generate(request)).toMatchObject({ model: 'local-model' });
    expect(recorded[0]!.headers.authorization).toBeUndefined();
    expect(recorded[0]!.url).toBe('/v1/chat/completions');
  });

  it.each([
    [429, { error: { message: 'Rate limit reached for requests' } }, 'content provider answered 429: Rate limit reached for requests'],
    [503, { error: 'overloaded' }, 'content provider answered 503: overloaded'],
    [500, 'upstream <b>exploded</b>', 'content provider answered 500: upstream <b>exploded</b>'],
  ])('treats %i as transient, with the provider\'s message', async (status, body, message) => {
    answer = typeof body === 'string' ? (response) => response.writeHead(status).end(body) : json(status, body);
    const error = await failure(generator().generate(request));
    expect(error).toBeInstanceOf(TransientToolError);
    expect(error.message).toBe(message);
  });

  it.each([
    [401, { error: { message: 'Incorrect API key provided' } }, 'content provider refused the request with 401: Incorrect API key provided'],
    [400, { error: { message: 'model "nope" not found' } }, 'content provider refused the request with 400: model "nope" not found'],
  ])('treats %i as permanent', async (status, body, message) => {
    answer = json(status, body);
    const error = await failure(generator().generate(request));
    expect(error).toBeInstanceOf(ContentProviderError);
    expect(error).toMatchObject({ code: 'CONTENT_PROVIDER_FAILED', status, message });
  });

  it.each([
    ['not JSON', (response: ServerResponse) => response.writeHead(200).end('<html>hello</html>'), 'content provider answered with something other than JSON'],
    ['no choices', json(200, { choices: [] }), 'content provider answered with no text at choices[0].message.content'],
    ['empty text', completion('   '), 'content provider answered with no text at choices[0].message.content'],
    ['null text', completion(null), 'content provider answered with no text at choices[0].message.content'],
  ])('refuses an answer with %s', async (_case, reply, message) => {
    answer = reply;
    const error = await failure(generator().generate(request));
    expect(error).toBeInstanceOf(ContentProviderError);
    expect(error).toMatchObject({ status: null, message });
  });

  it('gives up after its timeout, transiently', async () => {
    answer = () => undefined; // never answers
    const error = await failure(generator(150).generate(request));
    expect(error).toBeInstanceOf(TransientToolError);
    expect(error.message).toBe('content provider did not answer within 150 ms');
  });

  it('stops when the caller aborts, with the caller\'s reason', async () => {
    answer = () => undefined;
    const controller = new AbortController();
    const pending = generator().generate(request, { signal: controller.signal });
    controller.abort(new Error('the tool timed out'));
    expect((await failure(pending)).message).toBe('the tool timed out');
  });

  it('treats a refused connection as transient', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(createOpenAiGenerator({ url: `http://127.0.0.1:${port}/v1`, model: 'm', timeoutMs: 2_000 }).generate(request));
    expect(error).toBeInstanceOf(TransientToolError);
    expect(error.message).toMatch(/^content provider could not be reached: .*ECONNREFUSED/);
  });

  it('builds the endpoint from a base URL with or without the path', () => {
    expect(chatCompletionsUrl('https://api.openai.com/v1')).toBe('https://api.openai.com/v1/chat/completions');
    expect(chatCompletionsUrl('http://127.0.0.1:11434/v1/')).toBe('http://127.0.0.1:11434/v1/chat/completions');
    expect(chatCompletionsUrl('http://h/v1/chat/completions')).toBe('http://h/v1/chat/completions');
  });
});

describe('createContentGenerator', () => {
  it('is the offline generator by default and the provider when one is configured', async () => {
    expect(await createContentGenerator({ kind: 'offline' }).generate(request)).toMatchObject({ provider: 'offline' });
    answer = completion('From the provider.');
    const configured = createContentGenerator({ kind: 'openai_compatible', url: baseUrl, model: 'local-model', apiKey: undefined, timeoutMs: 2_000 });
    expect(await configured.generate(request)).toEqual({ text: 'From the provider.', provider: 'openai_compatible', model: 'local-model-2' });
  });
});
