import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killLeftoverCliProcesses, runCli, stackTraceLine, startCli, type CliProcess } from './cli-process.js';

/**
 * `bos start` on the embedded database, end to end: a first start seeds the shop, the
 * server holds the data directory against a second process, and on SIGTERM it finishes
 * what it has started, exits 0 and lets go.
 */
let tempDir: string;
let dataDir: string;
let server: CliProcess;
let url: string;

beforeAll(async () => {
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bos-start-'));
  dataDir = path.join(tempDir, 'data');
  server = startCli(['start'], { BOS_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' });
  const [, listening] = await server.waitForLine(/Business OS listening on (http:\/\/\S+)/, 45_000);
  url = listening ?? '';
});

afterAll(() => {
  killLeftoverCliProcesses();
  fs.rmSync(tempDir, { recursive: true, force: true });
});

type Outcome = { status: number; body: string };

/**
 * A request the server has provably begun: it sends `Expect: 100-continue`, and the server
 * answers "100 Continue" only once it has parsed the headers. The body follows on `send()`.
 */
function startedRequest(base: string): Promise<{ send(): Promise<Outcome> }> {
  return new Promise((resolveStarted, rejectStarted) => {
    const request = http.request(`${base}/no-such-route`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': '2', expect: '100-continue' },
    });
    const outcome = new Promise<Outcome>((resolve, reject) => {
      request.on('response', (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        response.on('aborted', () => reject(new Error('response cut off')));
      });
      request.on('error', reject);
    });
    // Awaited later, in send(); until then a failure is only recorded.
    outcome.catch(() => {});
    request.on('error', rejectStarted);
    request.on('continue', () =>
      resolveStarted({
        send() {
          request.end('{}');
          return outcome;
        },
      }),
    );
    request.flushHeaders();
  });
}

// The tests follow one server's life, in order: seeded, serving, stopped, started again.
describe('bos start', () => {
  it('seeds lsn_main on a first start and prints a working token per role', async () => {
    const tokens = [...server.stdout().matchAll(/^ {2}(founder|operator|viewer|agent) +(bos_\S+)$/gm)];
    expect(tokens.map((match) => match[1])).toEqual(['founder', 'operator', 'viewer', 'agent']);
    const response = await fetch(`${url}/api/org-units/lsn_main`, { headers: { authorization: `Bearer ${tokens[0]?.[2]}` } });
    expect(response.status).toBe(200);
    // Four principals, one per role, and the simulated shop's own agent.
    expect(await response.json()).toMatchObject({ id: 'lsn_main', counts: { products: 240, creators: 36, principals: 5 } });
  });

  it('runs the simulated shop beside the server: its events stream in without being asked', async () => {
    expect(server.stdout()).toContain('The simulated shop runs for lsn_main');
    const founder = [...server.stdout().matchAll(/^ {2}founder +(bos_\S+)$/gm)][0]?.[1];
    const head = async () => (await (await fetch(`${url}/api/org-units/lsn_main`, { headers: { authorization: `Bearer ${founder}` } })).json()) as { streamSeq: number };
    const deadline = Date.now() + 60_000;
    while ((await head()).streamSeq === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await head()).streamSeq).toBeGreaterThan(0);
  }, 90_000);

  it('keeps a second process off its data directory, naming itself as the holder', async () => {
    const second = await runCli(['migrate'], { BOS_DATA_DIR: dataDir });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`is in use by process ${server.pid}`);
    expect(second.stderr).not.toMatch(stackTraceLine);
  });

  it('answers requests in flight at SIGTERM completely, exits 0 and releases the directory', async () => {
    const inFlight = await Promise.all(Array.from({ length: 20 }, () => startedRequest(url)));
    server.child.kill('SIGTERM');
    await server.waitForLine(/"msg":"shutting down"/);
    const outcomes = await Promise.all(inFlight.map((request) => request.send()));

    for (const outcome of outcomes) {
      expect(outcome.status).toBe(404);
      expect(JSON.parse(outcome.body)).toMatchObject({ code: 'NOT_FOUND' });
    }
    const exit = await server.exited;
    expect(exit.code).toBe(0);
    expect(exit.stdout).toMatch(/"msg":"stopped"/);
    expect(fs.existsSync(path.join(dataDir, 'bos.lock'))).toBe(false);

  });

  it('starts again on the same directory without seeding twice', async () => {
    const again = startCli(['start'], { BOS_DATA_DIR: dataDir, PORT: '0' });
    await again.waitForLine(/Business OS listening on http:/, 45_000);
    expect(again.stdout()).not.toContain('API tokens');
    again.child.kill('SIGTERM');
    expect((await again.exited).code).toBe(0);
  });
});
