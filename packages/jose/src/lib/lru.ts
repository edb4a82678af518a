/**
 * A bounded least-recently-used map on top of `Map`'s insertion order: an insert past capacity
 * evicts the first (oldest) entry. Bounded so a flood of distinct valid tokens cannot grow memory
 * without limit.
 *
 * A hit moves its entry to the end only when the entry has fallen out of the newest quarter of
 * the map: moving costs a delete and a set (two more hash lookups, and a long key compared twice),
 * while a hot entry, hit again and again, stays where it is at the price of one lookup. An entry is
 * therefore evicted only after at least `max − max/4` newer insertions or moves.
 */
interface Node<V> {
  readonly value: V;
  /** The clock when the entry was last placed at the end. */
  stamp: number;
}

export class Lru<K, V> {
  readonly #map = new Map<K, Node<V>>();
  readonly #max: number;
  readonly #slack: number;
  #clock = 0;

  constructor(max: number) {
    this.#max = max;
    this.#slack = Math.floor(max / 4);
  }

  get size(): number {
    return this.#map.size;
  }

  get(key: K): V | undefined {
    const node = this.#map.get(key);
    if (node === undefined) return undefined;
    if (this.#clock - node.stamp > this.#slack) {
      this.#map.delete(key);
      this.#map.set(key, node);
      node.stamp = ++this.#clock;
    }
    return node.value;
  }

  set(key: K, value: V): void {
    const map = this.#map;
    map.delete(key);
    if (map.size >= this.#max) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
    map.set(key, { value, stamp: ++this.#clock });
  }

  delete(key: K): void {
    this.#map.delete(key);
  }

  clear(): void {
    this.#map.clear();
  }
}
