/**
 * Byte strings kept off the JavaScript heap, by slot number: the values of a large table (the id
 * map: millions of entries) as their Avro bytes, with no object per entry for the garbage
 * collector to walk. Bytes live in 1 MB chunks; a slot's place is three numbers in typed arrays.
 * A value rewritten with no more bytes than it had (the usual update of a mapping) is written in
 * place; a longer one moves, and when moved-out and released bytes outweigh the live ones, the
 * chunks are rebuilt.
 */
const CHUNK = 1 << 20;

export class ByteArena {
  private chunks: Buffer[] = [];
  private used = CHUNK;
  private chunkOf = new Int32Array(1024);
  private offsetOf = new Int32Array(1024);
  private lengthOf = new Int32Array(1024);
  private capacityOf = new Int32Array(1024);
  private next = 0;
  private readonly free: number[] = [];
  private liveBytes = 0;
  private totalBytes = 0;

  /** Stores a copy of `bytes`; returns its slot. */
  put(bytes: Buffer): number {
    const slot = this.free.pop() ?? this.next++;
    if (slot >= this.chunkOf.length) this.grow();
    this.place(slot, bytes);
    return slot;
  }

  /** Stores `length` bytes that `write` puts at `offset` of `target` (no copy in between); returns the slot. */
  putWritten(length: number, write: (target: Buffer, offset: number) => void): number {
    const slot = this.free.pop() ?? this.next++;
    if (slot >= this.chunkOf.length) this.grow();
    this.reserve(slot, length);
    write(this.chunks[this.chunkOf[slot]!]!, this.offsetOf[slot]!);
    return slot;
  }

  /** Replaces the bytes of `slot`, in place when they fit. */
  set(slot: number, bytes: Buffer): void {
    if (bytes.length <= this.capacityOf[slot]!) {
      bytes.copy(this.chunks[this.chunkOf[slot]!]!, this.offsetOf[slot]!);
      this.liveBytes += bytes.length - this.lengthOf[slot]!;
      this.lengthOf[slot] = bytes.length;
      return;
    }
    this.liveBytes -= this.lengthOf[slot]!;
    this.place(slot, bytes);
    this.compactIfWasteful();
  }

  /** A view of the slot's bytes (valid until the next write to the arena). */
  get(slot: number): Buffer {
    return this.chunks[this.chunkOf[slot]!]!.subarray(
      this.offsetOf[slot]!,
      this.offsetOf[slot]! + this.lengthOf[slot]!,
    );
  }

  release(slot: number): void {
    this.liveBytes -= this.lengthOf[slot]!;
    this.lengthOf[slot] = 0;
    this.capacityOf[slot] = 0;
    this.free.push(slot);
    // Deleted keys leave their bytes behind as moved values do (a new key takes fresh ones).
    this.compactIfWasteful();
  }

  /** Bytes held in chunks (live and moved-out), for tests. */
  get bytes(): number {
    return this.totalBytes;
  }

  private place(slot: number, bytes: Buffer): void {
    this.reserve(slot, bytes.length);
    bytes.copy(this.chunks[this.chunkOf[slot]!]!, this.offsetOf[slot]!);
  }

  /** Gives the slot `length` fresh bytes at the end of the last chunk (or a new one). */
  private reserve(slot: number, length: number): void {
    if (this.used + length > (this.chunks.at(-1)?.length ?? 0)) {
      this.chunks.push(Buffer.allocUnsafeSlow(Math.max(CHUNK, length)));
      this.used = 0;
    }
    this.chunkOf[slot] = this.chunks.length - 1;
    this.offsetOf[slot] = this.used;
    this.lengthOf[slot] = length;
    this.capacityOf[slot] = length;
    this.used += length;
    this.liveBytes += length;
    this.totalBytes += length;
  }

  private grow(): void {
    const size = this.chunkOf.length * 2;
    for (const name of ['chunkOf', 'offsetOf', 'lengthOf', 'capacityOf'] as const) {
      const bigger = new Int32Array(size);
      bigger.set(this[name]);
      this[name] = bigger;
    }
  }

  private compactIfWasteful(): void {
    if (this.totalBytes > 2 * this.liveBytes + 16 * CHUNK) this.compact();
  }

  /** Copies the live bytes of every slot into fresh chunks and drops the old ones. */
  private compact(): void {
    const old = this.chunks;
    const live = Array.from({ length: this.next }, (_, slot) =>
      this.capacityOf[slot]! > 0 ? Buffer.from(this.get(slot)) : undefined,
    );
    this.chunks = [];
    this.used = CHUNK;
    this.liveBytes = 0;
    this.totalBytes = 0;
    live.forEach((bytes, slot) => bytes && this.place(slot, bytes));
    old.length = 0;
  }
}
