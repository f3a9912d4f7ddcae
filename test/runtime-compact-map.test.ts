/** The off-heap store of large tables: every key finds its bytes through growth, updates, deletes and compaction. */
import { describe, expect, it } from 'vitest';
import { ByteArena } from '../runtime/byte-arena.js';
import { CompactMap } from '../runtime/compact-map.js';

describe('CompactMap', () => {
  it('keeps 50,000 entries through index growth, with ASCII and non-ASCII keys', () => {
    const map = new CompactMap();
    for (let i = 0; i < 50_000; i++)
      map.set(`ongoing:article:P-${i}${i % 7 === 0 ? 'æøå' : ''}`, Buffer.from(`value ${i}`));
    expect(map.size).toBe(50_000);
    for (const i of [0, 1, 7, 12_345, 49_999])
      expect(map.get(`ongoing:article:P-${i}${i % 7 === 0 ? 'æøå' : ''}`)?.toString()).toBe(`value ${i}`);
    expect(map.get('ongoing:article:P-1æøå')).toBeUndefined();
    expect(map.get('ongoing:article:P-')).toBeUndefined();
    expect([...map.entries()]).toHaveLength(50_000);
  });

  it('updates in place or moves, deletes, and re-adds a deleted key', () => {
    const map = new CompactMap(10);
    map.set('a', Buffer.from('short'));
    map.set('b', Buffer.from('other'));
    map.set('a', Buffer.from('tiny'));
    expect(map.get('a')?.toString()).toBe('tiny');
    map.set('a', Buffer.from('a much longer value than before'));
    expect(map.get('a')?.toString()).toBe('a much longer value than before');
    expect(map.delete('b')).toBe(true);
    expect(map.delete('b')).toBe(false);
    expect(map.get('b')).toBeUndefined();
    map.set('b', Buffer.from('back'));
    expect(map.get('b')?.toString()).toBe('back');
    expect(map.size).toBe(2);
    expect(new Map([...map.entries()].map(([k, v]) => [k, v.toString()]))).toEqual(
      new Map([
        ['a', 'a much longer value than before'],
        ['b', 'back'],
      ]),
    );
  });
});

describe('ByteArena', () => {
  it('compacts when moved-out bytes outweigh the live ones, keeping every live value', () => {
    const arena = new ByteArena();
    const slots = Array.from({ length: 100 }, (_, i) => arena.put(Buffer.from(`v${i}`)));
    // Values that keep growing move every time: 100 × 400 writes of up to ~1 KB.
    for (let round = 1; round <= 400; round++)
      for (const [i, slot] of slots.entries()) arena.set(slot, Buffer.alloc(round * 2 + 10, i % 256));
    expect(arena.bytes).toBeLessThan(40 * 2 ** 20);
    for (const [i, slot] of slots.entries()) expect(arena.get(slot).equals(Buffer.alloc(810, i % 256))).toBe(true);
  });
});
