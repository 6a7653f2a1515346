import { ToolTimeoutError } from './tool-errors.js';

/**
 * Runs `work` with an AbortSignal that fires after `timeoutMs`, and stops waiting for it
 * then. A tool that ignores the signal keeps running in the background; its late result
 * or error is dropped, which is why tools that wait on the network should honour it.
 */
export async function runWithTimeout<T>(toolName: string, timeoutMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort(new ToolTimeoutError(toolName, timeoutMs));
      reject(new ToolTimeoutError(toolName, timeoutMs));
    }, timeoutMs);
  });
  const running = work(controller.signal);
  running.catch(() => undefined);
  try {
    return await Promise.race([running, timedOut]);
  } catch (error) {
    // A tool that honours the signal rejects with its own error as it aborts; the cause is still the timeout.
    if (controller.signal.aborted) throw new ToolTimeoutError(toolName, timeoutMs);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
