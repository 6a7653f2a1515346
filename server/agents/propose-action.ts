import { createActor, toPromise } from 'xstate';
import type { ToolCall, ToolCallResult } from '../../engine/tools/tool.js';
import { agentMachine } from '../../machines/agent.js';
import type { ToolRouter } from '../tools/tool-implementation.js';

/**
 * Hosts one proposal: the agent machine names the call, the router judges and runs it, and
 * the machine ends in how it went (executed, previewed, awaiting approval, drafted, refused).
 * A router that throws (the database is down) rejects, so the caller answers 503.
 */
export async function proposeAction(router: ToolRouter, call: ToolCall): Promise<{ state: string; result: ToolCallResult }> {
  let failure: unknown;
  const machine = agentMachine.provide({
    actions: {
      propose: ({ self }, { call: proposed }) => {
        router.call(proposed).then(
          (result) => self.send({ type: 'router.answered', result }),
          (error: unknown) => {
            failure = error;
            self.send({ type: 'router.unreachable', message: error instanceof Error ? error.message : String(error) });
          },
        );
      },
    },
  });
  const actor = createActor(machine, { input: { call } }).start();
  const result = await toPromise(actor);
  if (failure instanceof Error) throw failure;
  if (failure !== undefined || !result) throw new Error(`the proposal ended without an answer: ${String(failure)}`);
  return { state: String(actor.getSnapshot().value), result };
}
