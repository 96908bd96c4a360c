import { describe, expect, it } from 'vitest';
import { createReplayGuard } from '../../../bot/replay-guard.ts';

describe('createReplayGuard', () => {
  const now = 1_700_000_000_000;
  const ts = now / 1000;

  it('accepts a signature once and refuses it again inside the window', () => {
    const guard = createReplayGuard();
    expect(guard.firstSeen('v0=abc', ts, now)).toBe(true);
    expect(guard.firstSeen('v0=abc', ts, now + 60_000)).toBe(false);
    expect(guard.firstSeen('v0=def', ts, now)).toBe(true);
  });

  it('forgets signatures once their timestamp has left the window', () => {
    const guard = createReplayGuard();
    guard.firstSeen('v0=abc', ts, now);
    guard.firstSeen('v0=new', ts + 400, now + 400_000);
    expect(guard.size).toBe(1);
  });

  it('stays bounded under a flood', () => {
    const guard = createReplayGuard(100);
    for (let i = 0; i < 1_000; i++) guard.firstSeen(`v0=${i}`, ts, now);
    expect(guard.size).toBeLessThanOrEqual(101);
  });
});
