/**
 * A bounded least-recently-used map on top of `Map`'s insertion order: a hit is moved to the end,
 * an insert past capacity evicts the first (oldest) entry. Bounded so a flood of distinct valid
 * tokens cannot grow memory without limit.
 */
export class Lru<K, V> {
  readonly #map = new Map<K, V>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  get size(): number {
    return this.#map.size;
  }

  get(key: K): V | undefined {
    const map = this.#map;
    const value = map.get(key);
    if (value !== undefined) {
      map.delete(key);
      map.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    const map = this.#map;
    map.delete(key);
    if (map.size >= this.#max) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
    map.set(key, value);
  }

  delete(key: K): void {
    this.#map.delete(key);
  }

  clear(): void {
    this.#map.clear();
  }
}
