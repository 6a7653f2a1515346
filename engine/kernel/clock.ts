/** Time comes in through this port, so tests and replays drive it instead of the wall clock. */
export type Clock = {
  /** Milliseconds since the Unix epoch. */
  now(): number;
};

/** A clock a test moves by hand. */
export function manualClock(startMs: number): Clock & { advance(ms: number): void; set(ms: number): void } {
  let current = startMs;
  return {
    now: () => current,
    advance(ms) {
      current += ms;
    },
    set(ms) {
      current = ms;
    },
  };
}
