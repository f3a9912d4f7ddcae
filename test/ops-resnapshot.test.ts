/**
 * `ops resnapshot` on the real stack: Ongoing loses articles (a restore from an older backup, played
 * by deleting rows in the simulator's database); a resnapshot of the product source, while the
 * pipeline runs, sends every product again and they come back, and change capture goes on.
 */
import knex from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProduct } from '../infra/local/multicase-db/actions.js';
import type { Pipeline } from '../pipeline/main.js';
import { runOps, type OpsIo } from '../pipeline/ops/cli.js';
import { progressReporter } from '../pipeline/ops/progress.js';
import { eventually, type TestEnvironment } from './support/environment.js';
import { startRunningPipeline, stopRunningPipeline } from './support/running-pipeline.js';

let env: TestEnvironment;
let pipeline: Pipeline;

beforeAll(async () => {
  // Small chunks, so the resnapshot takes several polls between the change reads.
  ({ env, pipeline } = await startRunningPipeline(
    'resnap',
    { MULTICASE_SOURCE_BATCH: '4', MULTICASE_PRODUCT_POLL_MS: '300' },
    { shippingMethods: false, testRuntime: true, roles: ['source-multicase', 'processors', 'sink-ongoing'] },
  ));
}, 120_000);
afterAll(() => stopRunningPipeline({ env, pipeline }));

function opsIo() {
  const out: string[] = [];
  const err: string[] = [];
  const progress: string[] = [];
  const io: OpsIo = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    runtime: () => env.rt,
    progress: (label) => progressReporter(label, { write: (t) => progress.push(t), tty: false, everyMs: 0 }),
  };
  return { io, out, err, progress };
}

const articleNumbers = async (numbers: string[]) =>
  (await env.api.getArticles({ articleNumbers: numbers })).map((a) => a.articleNumber).sort();

describe('ops resnapshot', () => {
  it('sends every product to Ongoing again while the source runs: deleted articles come back', async () => {
    const numbers = ['RS-1', 'RS-2', 'RS-3'];
    for (const n of numbers) await createProduct(env.db, { productNumber: n, description: `resnapshot ${n}` });
    await eventually(
      () => articleNumbers(numbers),
      (a) => a.length === 3,
      60_000,
      'the three articles in Ongoing',
    );

    // Ongoing "restored" without two of them. The pipeline's id map still remembers writing them.
    const sim = knex({ client: 'pg', connection: env.simDbUrl });
    try {
      await sim('ongoing_sim.articles').whereIn('article_number', ['RS-1', 'RS-2']).delete();
    } finally {
      await sim.destroy();
    }
    expect(await articleNumbers(numbers)).toEqual(['RS-3']);

    const products = Number((await env.db('multicase.products').count<{ n: string }[]>({ n: '*' }))[0]!.n);
    const { io, out, err, progress } = opsIo();
    const code = await runOps(['resnapshot', '--source', 'multicase.products', '--pickup-timeout-ms', '30000'], io);
    expect(err.join('\n')).toBe('');
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(new RegExp(`Done: ${products} rows sent again`));
    // Progress lines: done/total, rate and time left, the last one complete.
    expect(progress.at(-1)).toMatch(
      new RegExp(`^resnapshot multicase.products ${products}/${products} \\(100%\\) [\\d.k]+/s, done in \\d+`),
    );

    await eventually(
      () => articleNumbers(numbers),
      (a) => a.length === 3,
      60_000,
      'the deleted articles back in Ongoing',
    );
    // Change capture went on: a product created now arrives as usual.
    await createProduct(env.db, { productNumber: 'RS-4', description: 'after the resnapshot' });
    await eventually(
      () => articleNumbers(['RS-4']),
      (a) => a.length === 1,
      60_000,
      'RS-4 in Ongoing',
    );
  }, 120_000);

  it('says why a resnapshot does not apply to an Ongoing source, and names an unknown one', async () => {
    const ongoing = opsIo();
    expect(await runOps(['resnapshot', '--source', 'ongoing.goods-receipts'], ongoing.io)).toBe(2);
    expect(ongoing.err.join('\n')).toContain(
      'not applicable to ongoing.goods-receipts: it reads Ongoing by reporting back',
    );
    const unknown = opsIo();
    expect(await runOps(['resnapshot', '--source', 'multicase.nothing'], unknown.io)).toBe(2);
    expect(unknown.err.join('\n')).toContain('unknown source "multicase.nothing"; sources are: multicase.products');
  });
});
