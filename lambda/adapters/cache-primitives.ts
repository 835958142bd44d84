/** The two building blocks of the in-memory caches: a bounded LRU map and single-flight loading. */

/** A Map of at most `maxEntries` entries that forgets its least recently used entry first. */
export class LruMap<K, V> {
  private readonly map = new Map<K, V>();

  constructor(readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 0) {
      throw new RangeError(`maxEntries must be a non-negative integer, got ${maxEntries}`);
    }
  }

  /** The value, marked most recently used. */
  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      // A Map keeps insertion order: re-inserting marks the entry most recently used.
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next();
      if (oldest.done === true) break;
      this.map.delete(oldest.value);
    }
  }

  delete(key: K): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }

  keys(): IterableIterator<K> {
    return this.map.keys();
  }

  get size(): number {
    return this.map.size;
  }
}

/** Concurrent loads of one key share a single call; errors reach every waiter and are not remembered. */
export class SingleFlight<K, V> {
  private readonly flights = new Map<K, Promise<V>>();

  /**
   * The load under way for `key`, or a new one. `remember` runs with the result only if the flight was not
   * forgotten meanwhile, so that an invalidation during a load is not undone by it.
   */
  run(key: K, load: () => Promise<V>, remember: (value: V) => void): Promise<V> {
    const existing = this.flights.get(key);
    if (existing !== undefined) return existing;
    const isCurrent = () => this.flights.get(key) === flight;
    const flight: Promise<V> = new Promise<V>((resolve) => resolve(load())).then(
      (value) => {
        if (isCurrent()) {
          this.flights.delete(key);
          remember(value);
        }
        return value;
      },
      (error: unknown) => {
        if (isCurrent()) this.flights.delete(key);
        throw error;
      },
    );
    this.flights.set(key, flight);
    return flight;
  }

  /** Detaches the load under way for `key`: later callers start a new one, and its result is not remembered. */
  forget(key: K): void {
    this.flights.delete(key);
  }

  clear(): void {
    this.flights.clear();
  }
}
