/**
 * The one exponential backoff every wait of the product grows by: order polling (in the workflow
 * and inside the Director client), the Director transport's retries (with full jitter on top), the
 * Director rate budget's retries after a conflicting write, and the rotation's wait for IAM
 * propagation.
 */

/** `initial` doubled `step` times (step 0 is `initial` itself), never above `cap`. */
export function doublingDelay(initial: number, step: number, cap: number): number {
  // The exponent is bounded so that a long-running loop cannot overflow to Infinity.
  return Math.min(cap, initial * 2 ** Math.min(Math.max(step, 0), 30));
}

/**
 * Full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): a whole number of
 * milliseconds, uniform in [0, doublingDelay(initial, step, cap)). `random` is uniform in [0, 1).
 */
export function fullJitterBackoff(initial: number, step: number, cap: number, random: () => number): number {
  return Math.floor(random() * doublingDelay(initial, step, cap));
}
