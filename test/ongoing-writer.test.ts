/**
 * The Ongoing writer's own bookkeeping, against the simulator: a command it already wrote is not
 * written twice, but its id mapping is emitted again until the id-map table (what the brokers
 * acknowledged) shows it, so a chunk replayed in the same process after its outputs were lost
 * still records the id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../schemas/catalog.js';
import { commandFrom } from '../schemas/envelopes.js';
import type { ArticleUpsert, IdMapping } from '../schemas/types.generated.js';
import { OngoingApi } from '../connectors/ongoing/api/client.js';
import { articleUpsertHandler } from '../sinks/ongoing/article-upsert.js';
import { ongoingWriter } from '../sinks/ongoing/writer.js';
import { startOngoingSimulator, type OngoingSimulator } from '../infra/local/ongoing-simulator/index.js';
import { createTempDatabase, type TempDatabase } from './support/databases.js';
import { articleUpsert } from './support/fixtures.js';

let db: TempDatabase;
let sim: OngoingSimulator;
let api: OngoingApi;

beforeAll(async () => {
  db = await createTempDatabase('ongoing_writer');
  sim = await startOngoingSimulator({ databaseUrl: db.url, port: 0 });
  api = new OngoingApi({ baseUrl: sim.baseUrl, username: 'api', password: 'secret', goodsOwnerId: 1, timeoutMs: 5000 });
});

afterAll(async () => {
  await sim?.close();
  await db?.drop();
});

const command = (number: string, name: string) =>
  commandFrom(
    { eventId: `multicase:product:${number}:1`, entityKey: number, capturedAt: Date.now() },
    topics.articleUpsert,
    articleUpsert(number, name) as ArticleUpsert,
  );

describe('the Ongoing writer', () => {
  it('emits the mapping of a write again when a chunk is replayed before its outputs were acknowledged', async () => {
    let puts = 0;
    const counted: OngoingApi = Object.create(api);
    counted.upsertArticle = (article) => {
      puts++;
      return api.upsertArticle(article);
    };
    const table = new Map<string, IdMapping>();
    const write = ongoingWriter({ api: counted, idMap: table, skipUnchanged: true }, articleUpsertHandler);

    const first = await write(command('W-1', 'Writer one'));
    expect(first).toHaveLength(1);
    const mapping = first[0]!.value as IdMapping;
    expect(mapping.externalId).toMatch(/^\d+$/);

    // The chunk's outputs never reached Kafka (a rebalance): the same command comes again.
    const replayed = await write(command('W-1', 'Writer one'));
    expect(replayed).toEqual([{ topic: topics.idMap, key: first[0]!.key, value: mapping }]);
    expect(puts).toBe(1);

    // Once the table shows the mapping, an unchanged command yields nothing at all.
    table.set(first[0]!.key, mapping);
    expect(await write(command('W-1', 'Writer one'))).toEqual([]);
    // A change is written.
    expect(await write(command('W-1', 'Writer one, renamed'))).toHaveLength(1);
    expect(puts).toBe(2);
    expect((await api.getArticles({ articleNumber: 'W-1' }))[0]?.articleName).toBe('Writer one, renamed');
  });
});
