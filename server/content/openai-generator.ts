import { z } from 'zod';
import type { ContentGenerator, GeneratedContent } from '../../engine/content/index.js';
import { TransientToolError } from '../tools/tool-errors.js';
import { contentPrompt } from './content-prompt.js';

/**
 * A provider that speaks OpenAI's chat-completions API (OpenAI, and the servers that copy
 * it: vLLM, Ollama, LM Studio, llama.cpp, …). A 429, a 5xx, a timeout or a network failure
 * is a TransientToolError (worth retrying with backoff); any other refusal or an answer
 * without text is a ContentProviderError (retrying would only fail again).
 */
export type OpenAiGeneratorOptions = Readonly<{
  /** The API's base URL (`…/v1`); `/chat/completions` is added unless it is already there. */
  url: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
}>;

export class ContentProviderError extends Error {
  readonly code = 'CONTENT_PROVIDER_FAILED';
  constructor(
    message: string,
    /** The HTTP status, or null when the answer itself was unusable. */
    readonly status: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ContentProviderError';
  }
}

export const openAiProvider = 'openai_compatible';

const completion = z.object({
  model: z.string().optional(),
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1),
});

const errorBody = z.object({ error: z.union([z.string(), z.object({ message: z.string() })]) });

export function createOpenAiGenerator(options: OpenAiGeneratorOptions): ContentGenerator {
  const endpoint = chatCompletionsUrl(options.url);
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`;
  return {
    async generate(request, call = {}): Promise<GeneratedContent> {
      const timeout = AbortSignal.timeout(options.timeoutMs);
      const signal = call.signal === undefined ? timeout : AbortSignal.any([timeout, call.signal]);
      const body = JSON.stringify({
        model: options.model,
        messages: contentPrompt(request),
        // A retry may wander a little further from the first try.
        temperature: request.attempt > 1 ? 0.9 : 0.7,
        n: 1,
      });
      const { status, text } = await post(endpoint, { headers, body, signal }, () => timeout.aborted, options.timeoutMs);
      if (status === 429 || status >= 500) throw new TransientToolError(`content provider answered ${status}: ${providerMessage(text)}`);
      if (status < 200 || status >= 300) throw new ContentProviderError(`content provider refused the request with ${status}: ${providerMessage(text)}`, status);
      const content = parseCompletion(text);
      return { text: content.text, provider: openAiProvider, model: content.model ?? options.model };
    },
  };
}

/** The status and body, with the wait bounded; a failure to get them is transient. */
async function post(url: string, init: { headers: Record<string, string>; body: string; signal: AbortSignal }, timedOut: () => boolean, timeoutMs: number) {
  try {
    const response = await fetch(url, { method: 'POST', ...init });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    if (timedOut()) throw new TransientToolError(`content provider did not answer within ${timeoutMs} ms`, { cause: error });
    if (init.signal.aborted) throw error;
    throw new TransientToolError(`content provider could not be reached: ${reasonOf(error)}`, { cause: error });
  }
}

function parseCompletion(text: string): { text: string; model: string | undefined } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ContentProviderError('content provider answered with something other than JSON', null, { cause: error });
  }
  const parsed = completion.safeParse(json);
  const content = parsed.success ? (parsed.data.choices[0]?.message.content ?? '').trim() : '';
  if (!parsed.success || content === '') throw new ContentProviderError('content provider answered with no text at choices[0].message.content', null);
  return { text: content, model: parsed.data.model };
}

export function chatCompletionsUrl(base: string): string {
  const trimmed = base.replace(/\/+$/, '');
  return trimmed.endsWith('/chat/completions') ? trimmed : `${trimmed}/chat/completions`;
}

/** The provider's own error message when it sent one (OpenAI's `{error: {message}}`), else the start of the body. */
function providerMessage(text: string): string {
  let message = text;
  try {
    const parsed = errorBody.safeParse(JSON.parse(text));
    if (parsed.success) message = typeof parsed.data.error === 'string' ? parsed.data.error : parsed.data.error.message;
  } catch {
    // not JSON: the body as it came
  }
  const clean = message.replace(/\s+/g, ' ').trim();
  return clean === '' ? '(no message)' : clean.slice(0, 300);
}

/** fetch hides the socket error (ECONNREFUSED, …) in its cause. */
function reasonOf(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}
