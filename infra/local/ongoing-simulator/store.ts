/**
 * The simulator's state: a knex handle on its own PostgreSQL schema plus the write gate every
 * write passes through. An API write is rate-limited, then serialized per goods owner, then run
 * in one transaction, so the rules Ongoing documents (one write at a time per goods owner) hold
 * however many requests arrive together.
 */
import knexFactory, { type Knex } from 'knex';
import { ensureSchema, SCHEMA } from './schema.js';
import { WriteGate } from './write-gate.js';

export interface GoodsOwner {
  id: number;
  name: string;
}

export interface WriteOptions {
  /** API writes count against the rate limit; the warehouse operator's own actions do not. */
  rateLimited?: boolean;
}

export class Store {
  private constructor(
    readonly db: Knex,
    readonly gate: WriteGate,
    readonly goodsOwners: readonly GoodsOwner[],
  ) {}

  static async open(databaseUrl: string, goodsOwners: readonly GoodsOwner[], writesPerSecond: number): Promise<Store> {
    const db = knexFactory({ client: 'pg', connection: databaseUrl, searchPath: [SCHEMA], pool: { min: 0, max: 10 } });
    try {
      await ensureSchema(db);
    } catch (e) {
      await db.destroy();
      throw e;
    }
    return new Store(db, new WriteGate(writesPerSecond), goodsOwners);
  }

  goodsOwner(id: number): GoodsOwner | undefined {
    return this.goodsOwners.find((g) => g.id === id);
  }

  async write<T>(
    goodsOwnerId: number,
    fn: (trx: Knex.Transaction) => Promise<T>,
    options: WriteOptions = {},
  ): Promise<T> {
    if (options.rateLimited ?? true) this.gate.admit(goodsOwnerId);
    return this.gate.serial(goodsOwnerId, () => this.db.transaction(fn));
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
