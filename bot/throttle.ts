/**
 * Coalesces requests to redraw one Slack message so it is updated at most once per interval
 * (Slack rate-limits `chat.update` to about one call per second per message). Draws run one
 * after another, so a late progress draw can never overwrite the final one.
 */
export interface Redrawer {
  /** Asks for a redraw; several requests inside one interval produce one draw. */
  request(): void;
  /** Stops progress draws, then runs `last` once the interval allows, after any draw in flight. */
  finish(last: () => Promise<void>): Promise<void>;
}

export function createRedrawer(
  draw: () => Promise<void>,
  intervalMs: number,
  onError: (error: unknown) => void,
): Redrawer {
  let lastAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  let finished = false;

  const run = (fn: () => Promise<void>) => {
    chain = chain
      .then(async () => {
        lastAt = Date.now();
        await fn();
      })
      .catch(onError);
    return chain;
  };

  return {
    request() {
      if (finished || timer) return;
      const wait = Math.max(0, lastAt + intervalMs - Date.now());
      timer = setTimeout(() => {
        timer = undefined;
        if (!finished) void run(draw);
      }, wait);
    },
    async finish(last) {
      finished = true;
      clearTimeout(timer);
      timer = undefined;
      await chain;
      const wait = Math.max(0, lastAt + intervalMs - Date.now());
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await run(last);
    },
  };
}
