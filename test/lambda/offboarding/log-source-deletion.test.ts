import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import { checkDeletionOrder, deleteAccountLogSource } from '../../../lambda/offboarding/log-source-deletion.js';
import { type LogSourceDeletion, logSourceDeletionSchema } from '../../../lambda/offboarding/workflow-contract.js';
import {
  advance,
  caught,
  createForeignLogSource,
  deletes,
  directorContext,
  harness,
  inventory,
  now,
  onboard,
  ORDER_DELAY_MS,
  request,
  settings,
  START,
  useOffboardingFixture,
} from './offboarding-fixture.js';

useOffboardingFixture();

describe('deleteAccountLogSource (DeleteLogSource)', () => {
  it('submits DELETE for our log source and sets the order deadline from the settings', async () => {
    // Prepare
    const { logSourceId } = await onboard();

    // Act
    const deletion = await deleteAccountLogSource(directorContext(), { request, inventory: inventory({ logSourceFound: true, logSourceId }) });

    // Assess
    expect(logSourceDeletionSchema.parse(deletion)).toMatchObject({
      status: 'SUBMITTED',
      logSourceId,
      submittedAt: new Date(START + ORDER_DELAY_MS).toISOString(),
      deadlineAt: new Date(START + ORDER_DELAY_MS + 120_000).toISOString(),
    });
    expect(deletion.orderPath).toMatch(/\/monitorapi\/.+\/orders\//);
    expect(deletes()).toEqual([
      `DELETE /configapi/${harness().director.poolUuid}/${harness().director.logpointId}/LogSources/${logSourceId.replace('LogSources/', '')}`,
    ]);
  });

  it('reports ALREADY_GONE without a DELETE when the source is no longer listed', async () => {
    // Act
    const deletion = await deleteAccountLogSource(directorContext(), {
      request,
      inventory: inventory({ logSourceFound: true, logSourceId: 'LogSources/0f8c1b2a-3d4e-4f60-8a7b-9c0d1e2f3a4b' }),
    });

    // Assess
    expect(deletion).toMatchObject({ status: 'ALREADY_GONE', orderPath: null, requestId: null });
    expect(deletes()).toEqual([]);
  });

  it('refuses to delete a source that is not marked as ours, even when handed its id', async () => {
    // Prepare
    const foreignId = await createForeignLogSource('someone-elses-source');

    // Act
    const error = await caught(deleteAccountLogSource(directorContext(), { request, inventory: inventory({ logSourceFound: true, logSourceId: foreignId }) }));

    // Assess
    expect(error.code).toBe(ErrorCode.NOT_OWNED);
    expect(deletes()).toEqual([]);
    expect(harness().director.logSources()).toHaveLength(1);
  });
});

describe('checkDeletionOrder (CheckOrder)', () => {
  async function submitted(): Promise<LogSourceDeletion> {
    const { logSourceId } = await onboard();
    return deleteAccountLogSource(directorContext(), { request, inventory: inventory({ logSourceFound: true, logSourceId }) });
  }

  it('reports PENDING with a growing wait while the order runs', async () => {
    // Prepare
    const deletion = await submitted();

    // Act
    const first = await checkDeletionOrder(harness().client, settings.orderPolling, { deletion, attempt: 0 }, now());
    const second = await checkDeletionOrder(harness().client, settings.orderPolling, { deletion, attempt: first.attempt }, now());

    // Assess
    expect(first).toEqual({ status: 'PENDING', attempt: 1, nextWaitSeconds: 4, deadlineAt: deletion.deadlineAt });
    expect(second).toMatchObject({ status: 'PENDING', attempt: 2, nextWaitSeconds: 8 });
  });

  it('reports DELETED once the order succeeded and the source is no longer listed', async () => {
    // Prepare
    const deletion = await submitted();
    advance(ORDER_DELAY_MS);

    // Act
    const poll = await checkDeletionOrder(harness().client, settings.orderPolling, { deletion, attempt: 3 }, now());

    // Assess
    expect(poll).toMatchObject({ status: 'DELETED', attempt: 4 });
    expect(harness().director.logSources()).toEqual([]);
  });

  it("fails with DIRECTOR_ORDER_FAILED and Director's reasons when the order fails and the source is still there", async () => {
    // Prepare
    const { logSourceId } = await onboard();
    harness().director.faults.failOrders(1, { errors: ['LogSource is in use by a running collector.'] });
    const deletion = await deleteAccountLogSource(directorContext(), { request, inventory: inventory({ logSourceFound: true, logSourceId }) });
    advance(ORDER_DELAY_MS);

    // Act
    const error = await caught(checkDeletionOrder(harness().client, settings.orderPolling, { deletion, attempt: 1 }, now()));

    // Assess
    expect(error.code).toBe(ErrorCode.DIRECTOR_ORDER_FAILED);
    expect(error.message).toContain('LogSource is in use by a running collector.');
    expect(harness().director.logSources()).toHaveLength(1);
  });

  it('reports ALREADY_GONE when the order failed because a concurrent run deleted the source first', async () => {
    // Prepare: two DELETEs of the same source; the second one's order fails with "does not exist".
    const { logSourceId } = await onboard();
    const input = { request, inventory: inventory({ logSourceFound: true, logSourceId }) };
    await deleteAccountLogSource(directorContext(), input);
    const second = await deleteAccountLogSource(directorContext(), input);
    advance(ORDER_DELAY_MS);

    // Act
    const poll = await checkDeletionOrder(harness().client, settings.orderPolling, { deletion: second, attempt: 1 }, now());

    // Assess
    expect(poll.status).toBe('ALREADY_GONE');
  });

  it('fails with DIRECTOR_ORDER_TIMEOUT when the order is still pending at the deadline', async () => {
    // Prepare
    const { logSourceId } = await onboard();
    harness().director.faults.neverFinishOrders(1);
    const deletion = await deleteAccountLogSource(directorContext(), { request, inventory: inventory({ logSourceFound: true, logSourceId }) });

    // Act
    const error = await caught(
      checkDeletionOrder(harness().client, settings.orderPolling, { deletion, attempt: 9 }, new Date(Date.parse(deletion.deadlineAt))),
    );

    // Assess
    expect(error.code).toBe(ErrorCode.DIRECTOR_ORDER_TIMEOUT);
  });
});
