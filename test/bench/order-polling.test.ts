import { describe, expect, it } from 'vitest';
import { orderPollingFigures } from '../../bench/order-polling.js';

/**
 * The order polling schedule the defaults give (counted on a simulated clock, not timed): a
 * finished order is seen within 15 s for orders up to 10 minutes, and a 2-minute order costs at
 * most half the CheckOrder invocations of looking every 5 s.
 */

describe('order polling with the default settings', () => {
  it('sees every finished order within 15 s, up to 10-minute orders', async () => {
    const figures = await orderPollingFigures();

    expect(figures.map((figure) => figure.orderSeconds)).toEqual([5, 30, 120, 600]);
    for (const figure of figures) expect(figure.delaySeconds).toBeLessThanOrEqual(15);
  });

  it('takes at most half the invocations of a look every 5 s for a 2-minute order', async () => {
    const twoMinutes = (await orderPollingFigures()).find((figure) => figure.orderSeconds === 120);

    expect(twoMinutes?.invocations).toBeLessThanOrEqual((twoMinutes?.fixed5sInvocations ?? 0) / 2);
  });

  it('follows the cap it is given: with the old 60 s cap an order done at 31 s was seen at 62 s, with the default within 15 s', async () => {
    const oldCap = { initialWaitSeconds: 2, maxWaitSeconds: 60, deadlineSeconds: 1800, settleSeconds: 120 };

    expect((await orderPollingFigures(oldCap, [31]))[0]?.delaySeconds).toBe(31);
    expect((await orderPollingFigures(undefined, [31]))[0]?.delaySeconds).toBeLessThanOrEqual(15);
  });
});
