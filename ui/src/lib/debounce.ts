// Debounce: runs a function once calls have paused for `ms`, with flush and cancel.

export interface Debounced<A extends unknown[]> {
  (...args: A): void;
  /** Runs the pending call now (if any). */
  flush(): void;
  /** Drops the pending call. */
  cancel(): void;
  /** True while a call is waiting. */
  pending(): boolean;
}

export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): Debounced<A> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastArgs: A | null = null;
  const run = () => {
    timer = null;
    const args = lastArgs!;
    lastArgs = null;
    fn(...args);
  };
  const d = ((...args: A) => {
    lastArgs = args;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(run, ms);
  }) as Debounced<A>;
  d.flush = () => {
    if (timer === null) return;
    clearTimeout(timer);
    run();
  };
  d.cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    lastArgs = null;
  };
  d.pending = () => timer !== null;
  return d;
}
