/**
 * A map from string keys to byte values with no JavaScript object per entry: each entry (the
 * key's UTF-8 bytes, then the value's) lives in a ByteArena, and an open-addressing hash index in
 * one Int32Array finds its slot. For tables of millions of entries (the id map), where a Map of
 * strings would cost a hundred bytes per entry and a heap the garbage collector walks forever.
 */
import { ByteArena } from './byte-arena.js';

const EMPTY = -1;
const GONE = -2;

/** FNV-1a over UTF-8 bytes. */
function hashBytes(b: Buffer, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}

/** The key's UTF-8 bytes' hash, without allocating for an ASCII key. */
function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c > 0x7f) {
      const b = Buffer.from(key, 'utf8');
      return hashBytes(b, 0, b.length);
    }
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h >>> 0;
}

export class CompactMap {
  private readonly arena = new ByteArena();
  private index: Int32Array;
  private count = 0;
  private gone = 0;
  /** Where an entry is put together before the arena copies it. */
  private scratch = Buffer.allocUnsafe(4096);

  /**
   * `expected`: how many entries are likely (a table's record count, an upper bound), so the index
   * need not grow while loading. Presized to 4M slots (16 MB) at most: a compacted topic's offsets
   * may count many more records than it holds keys; beyond that the index grows as entries come.
   */
  constructor(expected = 0) {
    let size = 1 << 12;
    while (size < expected * 2 && size < 1 << 22) size *= 2;
    this.index = new Int32Array(size).fill(EMPTY);
  }

  get size(): number {
    return this.count;
  }

  get(key: string): Buffer | undefined {
    const at = this.find(key);
    if (at < 0) return undefined;
    const entry = this.arena.get(this.index[at]!);
    return entry.subarray(2 + entry.readUInt16BE(0));
  }

  set(key: string, value: Buffer): void {
    const keyLength = Buffer.byteLength(key, 'utf8');
    const length = 2 + keyLength + value.length;
    const hash = hashKey(key);
    const at = this.find(key, hash);
    if (at < 0) {
      if ((this.count + this.gone + 1) * 2 > this.index.length) this.rehash();
      // Written straight into the arena: the one copy of the value.
      this.insert(
        hash,
        this.arena.putWritten(length, (target, offset) => {
          target.writeUInt16BE(keyLength, offset);
          target.write(key, offset + 2, keyLength, 'utf8');
          value.copy(target, offset + 2 + keyLength);
        }),
      );
      this.count++;
      return;
    }
    if (length > this.scratch.length) this.scratch = Buffer.allocUnsafe(length * 2);
    this.scratch.writeUInt16BE(keyLength, 0);
    this.scratch.write(key, 2, keyLength, 'utf8');
    value.copy(this.scratch, 2 + keyLength);
    this.arena.set(this.index[at]!, this.scratch.subarray(0, length));
  }

  delete(key: string): boolean {
    const at = this.find(key);
    if (at < 0) return false;
    this.arena.release(this.index[at]!);
    this.index[at] = GONE;
    this.count--;
    this.gone++;
    return true;
  }

  *entries(): IterableIterator<[string, Buffer]> {
    for (const slot of this.index) {
      if (slot < 0) continue;
      const entry = this.arena.get(slot);
      const keyLength = entry.readUInt16BE(0);
      yield [entry.toString('utf8', 2, 2 + keyLength), entry.subarray(2 + keyLength)];
    }
  }

  /** The index position holding `key`, or -1. */
  private find(key: string, hash = hashKey(key)): number {
    const mask = this.index.length - 1;
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      const slot = this.index[at]!;
      if (slot === EMPTY) return -1;
      if (slot !== GONE && this.keyIs(slot, key)) return at;
    }
  }

  private keyIs(slot: number, key: string): boolean {
    const entry = this.arena.get(slot);
    const keyLength = entry.readUInt16BE(0);
    if (keyLength < key.length) return false;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      if (c > 0x7f) return entry.toString('utf8', 2, 2 + keyLength) === key;
      if (entry[2 + i] !== c) return false;
    }
    return keyLength === key.length;
  }

  private insert(hash: number, slot: number): void {
    const mask = this.index.length - 1;
    let at = hash & mask;
    while (this.index[at]! >= 0) at = (at + 1) & mask;
    this.index[at] = slot;
  }

  private rehash(): void {
    const old = this.index;
    const size = (this.count + 1) * 4 > old.length ? old.length * 2 : old.length;
    this.index = new Int32Array(size).fill(EMPTY);
    this.gone = 0;
    for (const slot of old) {
      if (slot < 0) continue;
      const entry = this.arena.get(slot);
      this.insert(hashBytes(entry, 2, 2 + entry.readUInt16BE(0)), slot);
    }
  }
}
