/** A source of the current time, injected so tests can move it. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = Object.freeze({ now: () => Date.now() });

/** Whole seconds since the epoch for a millisecond timestamp. */
export const toEpochSeconds = (ms: number): number => Math.floor(ms / 1000);
