import { describe, expect, it } from 'vitest';
import { createRedrawer } from '../../../bot/throttle.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createRedrawer', () => {
  it('coalesces a burst of requests into one draw per interval', async () => {
    const draws: number[] = [];
    const redrawer = createRedrawer(
      async () => void draws.push(Date.now()),
      100,
      () => {},
    );
    for (let i = 0; i < 50; i++) redrawer.request();
    await sleep(50);
    for (let i = 0; i < 50; i++) redrawer.request();
    await sleep(250);
    expect(draws.length).toBe(2);
    expect(draws[1]! - draws[0]!).toBeGreaterThanOrEqual(95);
  });

  it('runs the final draw last, after any draw in flight, and ignores later requests', async () => {
    const order: string[] = [];
    const redrawer = createRedrawer(
      async () => {
        order.push('progress-start');
        await sleep(30);
        order.push('progress-end');
      },
      10,
      () => {},
    );
    redrawer.request();
    await sleep(5);
    await redrawer.finish(async () => void order.push('final'));
    redrawer.request();
    await sleep(30);
    expect(order).toEqual(['progress-start', 'progress-end', 'final']);
  });

  it('reports a failed draw and keeps going', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const redrawer = createRedrawer(
      async () => {
        calls += 1;
        throw new Error('ratelimited');
      },
      1,
      (error) => errors.push(error),
    );
    redrawer.request();
    await sleep(20);
    await redrawer.finish(async () => {});
    expect(calls).toBe(1);
    expect(errors).toHaveLength(1);
  });
});
