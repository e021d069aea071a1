/**
 * A shared allowance of Director requests, consulted by the transport before every HTTP attempt:
 * first attempts, retries and token refreshes alike. The client works without one (each process
 * then paces only itself, through its retries); lambda/governance/ builds the one every Director
 * caller of the product shares.
 */
export interface DirectorRequestBudget {
  /**
   * Resolves once this process may send one more HTTP request to Director. Rejects when no request
   * may go before `deadlineMs` (epoch milliseconds: the end of the call's `retry.maxElapsedMs`), so
   * time spent waiting here counts against the call's time budget like any backoff. A rejection
   * ends the call before anything was sent: DIRECTOR_UNAVAILABLE (a DirectorUnavailableError) when
   * the budget has no room in time, AWS_UNAVAILABLE when the store behind it is throttled.
   */
  acquire(request: { deadlineMs: number }): Promise<void>;
}
