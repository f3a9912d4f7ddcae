/**
 * Ongoing runs writes for one goods owner one at a time; parallel calls only queue (and may time
 * out while they wait). This gate reproduces that with a per-goods-owner promise chain, and in
 * front of it a sliding one-second window that answers 429 with `Retry-After` once a goods owner
 * exceeds the configured writes per second.
 */
import { ApiError } from './http.js';

export interface WriteStats {
  /** Writes that ran to completion (or failure) inside the gate since the last reset. */
  totalWrites: number;
  /** Writes inside the gate right now, all goods owners together. */
  activeWrites: number;
  /** The highest number of writes ever inside the gate at once for a single goods owner (1 when serial). */
  maxConcurrentWritesPerGoodsOwner: number;
  /** The highest number of writes ever inside the gate at once, all goods owners together. */
  maxConcurrentWrites: number;
  /** Writes answered 429 by the rate limit. */
  rateLimited: number;
}

export class WriteGate {
  /** 0 = no limit. */
  writesPerSecond: number;
  /** Extra time each write holds its goods owner's turn (a fault knob that makes queuing visible). */
  writeLatencyMs = 0;

  private readonly tails = new Map<number, Promise<void>>();
  private readonly active = new Map<number, number>();
  private readonly recent = new Map<number, number[]>();
  private readonly stats: WriteStats = {
    totalWrites: 0,
    activeWrites: 0,
    maxConcurrentWritesPerGoodsOwner: 0,
    maxConcurrentWrites: 0,
    rateLimited: 0,
  };

  constructor(writesPerSecond = 0) {
    this.writesPerSecond = writesPerSecond;
  }

  snapshot(): WriteStats {
    return { ...this.stats };
  }

  resetStats(): void {
    this.stats.totalWrites = 0;
    this.stats.maxConcurrentWritesPerGoodsOwner = 0;
    this.stats.maxConcurrentWrites = 0;
    this.stats.rateLimited = 0;
    this.recent.clear();
  }

  /** Throws a 429 ApiError when the goods owner is over its rate; otherwise counts this write. */
  admit(goodsOwnerId: number, now = Date.now()): void {
    if (this.writesPerSecond <= 0) return;
    const window = (this.recent.get(goodsOwnerId) ?? []).filter((t) => t > now - 1000);
    if (window.length >= this.writesPerSecond) {
      this.stats.rateLimited++;
      this.recent.set(goodsOwnerId, window);
      const waitMs = window[0]! + 1000 - now;
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      throw new ApiError(
        429,
        `API rate limit exceeded: at most ${this.writesPerSecond} writes per second per goods owner.`,
        {},
        { 'Retry-After': String(seconds) },
      );
    }
    window.push(now);
    this.recent.set(goodsOwnerId, window);
  }

  /** Runs `fn` when every earlier write for the goods owner has finished. */
  async serial<T>(goodsOwnerId: number, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(goodsOwnerId) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(goodsOwnerId, tail);
    await previous;
    const inside = (this.active.get(goodsOwnerId) ?? 0) + 1;
    this.active.set(goodsOwnerId, inside);
    this.stats.activeWrites++;
    this.stats.maxConcurrentWrites = Math.max(this.stats.maxConcurrentWrites, this.stats.activeWrites);
    this.stats.maxConcurrentWritesPerGoodsOwner = Math.max(this.stats.maxConcurrentWritesPerGoodsOwner, inside);
    try {
      if (this.writeLatencyMs > 0) await new Promise((r) => setTimeout(r, this.writeLatencyMs));
      return await fn();
    } finally {
      this.active.set(goodsOwnerId, (this.active.get(goodsOwnerId) ?? 1) - 1);
      this.stats.activeWrites--;
      this.stats.totalWrites++;
      release();
      if (this.tails.get(goodsOwnerId) === tail) this.tails.delete(goodsOwnerId);
    }
  }
}
