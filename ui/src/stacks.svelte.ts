// The galleries' stacks of near-duplicates beside the main store: the library's groups (loaded
// with the library and again after indexing, a move to the trash or new settings) and which
// stacks the user has opened. The store shows its results through `apply`.
import { api, backendAvailable } from './api';
import { reporting } from './lib/attempt';
import { stack, stackIndex, type Stacked } from './lib/stacks';

export class StackState {
  /** Each stacked photo's group key. */
  groupOf = $state.raw<Map<string, string>>(new Map());
  /** The keys of the stacks shown open. */
  expanded = $state.raw<Set<string>>(new Set());
  #try: <T>(f: () => Promise<T>) => Promise<T | undefined>;

  constructor(report: (e: unknown) => void) {
    this.#try = reporting(report);
  }

  async load(): Promise<void> {
    if (!backendAvailable()) return;
    const groups = await this.#try(() => api.duplicateStacks());
    if (groups) this.groupOf = stackIndex(groups);
  }

  /** Opens the stack `key`, or closes it when open. */
  toggle(key: string): void {
    const next = new Set(this.expanded);
    if (!next.delete(key)) next.add(key);
    this.expanded = next;
  }

  apply<T extends { id: string }>(items: readonly T[]): Stacked<T> {
    return stack(items, this.groupOf, this.expanded);
  }
}
