import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, runOps, type OpsIo } from '../pipeline/ops/cli.js';
import { configMarkdown } from '../pipeline/ops/config.js';
import { formatDeadLetters, formatRetry, listDeadLetters, retryDeadLetters } from '../pipeline/ops/dlq.js';
import { UsageError } from '../pipeline/ops/errors.js';
import { GroupActiveError, replay } from '../pipeline/ops/replay.js';
import { formatSetup, runSetup } from '../pipeline/ops/setup.js';
import { deleteShippingMethod, listShippingMethods, setShippingMethod } from '../pipeline/ops/shipping-map.js';
import { collectStatus, formatStatus } from '../pipeline/ops/status.js';
import { dlqTopicName, topics } from '../schemas/catalog.js';
import type { SourceOffset } from '../schemas/types.generated.js';
import { deadLetterOf, deadLetterOfSourceRow } from '../runtime/dead-letter.js';
import { ValidationError } from '../runtime/errors.js';
import type { ConsumedRecord } from '../runtime/kafka.js';
import type { Runtime } from '../runtime/runtime.js';
import { productChanged } from './support/fixtures.js';
import { readRecords, testRuntime } from './support/kafka.js';

const product = (n: string) => productChanged(n);

function capture(rt?: Runtime): OpsIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out: (t: string) => void (io.stdout += t),
    err: (t: string) => void (io.stderr += t),
    runtime: () => {
      if (!rt) throw new Error('this command must not need a runtime');
      return rt;
    },
  };
  return io;
}

describe('ops CLI', () => {
  let rt: Runtime;
  let firstSetup: Awaited<ReturnType<typeof runSetup>>;

  beforeAll(async () => {
    rt = testRuntime('ops-test', { KAFKA_NAMESPACE: `t-ops-${randomBytes(3).toString('hex')}.` });
    firstSetup = await runSetup(rt, { goodsOwnerId: 1 });
  });
  afterAll(() => rt?.close());

  it('setup is idempotent: a second run creates nothing', async () => {
    expect(firstSetup.createdTopics).toContain(topics.shippingMethodMap.name);
    expect(firstSetup.createdTopics).toContain(dlqTopicName(topics.productChanged.name));
    // Every lease's topic too, so that no role needs the right to create topics.
    expect(firstSetup.createdTopics).toEqual(
      expect.arrayContaining(['lease.ongoing-writes.1', 'lease.reconcile', 'lease.source.multicase.products']),
    );
    const again = await runSetup(rt, { goodsOwnerId: 1 });
    expect(again.createdTopics).toEqual([]);
    expect(formatSetup(again)).toContain('none created');
  });

  it('answers unknown commands with the usage (exit 2) and names a bad argument', async () => {
    const unknown = capture();
    expect(await runOps(['frobnicate'], unknown)).toBe(2);
    for (const c of COMMANDS) expect(unknown.stderr).toContain(`  ${c}`);
    const badId = capture();
    expect(await runOps(['shipping-map', 'set', '--id', 'twelve'], badId)).toBe(2);
    expect(badId.stderr).toContain('--id must be a whole number');
    const noTarget = capture();
    expect(await runOps(['replay', '--group', 'g', '--topic', 't'], noTarget)).toBe(2);
    expect(noTarget.stderr).toContain('--to-earliest');
    const unknownOption = capture();
    expect(await runOps(['status', '--verbose'], unknownOption)).toBe(2);
    expect(unknownOption.stderr).toContain('--verbose');
  });

  it('config prints every declared setting, secrets marked', async () => {
    const md = configMarkdown();
    expect(md.split('\n')[0]).toBe('| Variable | Default | Description |');
    expect(md).toContain('| `KAFKA_BROKERS` | `127.0.0.1:9092` |');
    expect(md).toContain('`MULTICASE_DATABASE_URL`'); // a pipeline setting, not only runtime ones
    expect(md).toContain('`KAFKA_SASL_PASSWORD` (secret)');
    const io = capture();
    expect(await runOps(['config'], io)).toBe(0);
    expect(io.stdout).toBe(md);
  });

  it('shipping-map set, list, change one field, delete (a tombstone)', async () => {
    await setShippingMethod(rt, 7, {
      shippingMethodCode: 'DHL',
      wayOfDeliveryCode: 'DHLPARCEL',
      transporterCode: 'DHL',
      transporterServiceCode: 'PARCEL',
    });
    expect(await listShippingMethods(rt)).toEqual([
      expect.objectContaining({
        shippingMethodId: 7,
        wayOfDeliveryCode: 'DHLPARCEL',
        transporterServiceCode: 'PARCEL',
        wayOfDeliveryName: null,
      }),
    ]);

    const io = capture(rt);
    expect(
      await runOps(['shipping-map', 'set', '--id', '7', '--service', 'EXPRESS', '--code', '', '--skip-check'], io),
    ).toBe(0);
    expect(io.stdout).toContain('Changed the mapping of shipping method 7');
    const listed = capture(rt);
    expect(await runOps(['shipping-map', 'list'], listed)).toBe(0);
    expect(listed.stdout).toMatch(/^7\s+-\s+DHLPARCEL\s+-\s+DHL\s+EXPRESS/m);

    await deleteShippingMethod(rt, 7);
    expect(await listShippingMethods(rt)).toEqual([]);
    await expect(deleteShippingMethod(rt, 7)).rejects.toThrow(UsageError);
  });

  it('dlq list shows dead letters; dlq retry re-publishes the original record without dlq headers, once', async () => {
    const topic = topics.productChanged;
    const value = await rt.serde.encode(topic, product('P-1'));
    const record: ConsumedRecord = {
      topic: topic.name,
      partition: 2,
      offset: '41',
      key: 'P-1',
      value,
      headers: { traceparent: 'abc' },
      timestamp: Date.now(),
    };
    const firstFailureAt = Date.parse('2025-03-01T06:00:00Z');
    const producer = await rt.producer();
    await producer.send([
      deadLetterOf(record, {
        stage: 'processor.product-to-article',
        error: new ValidationError('product P-1', 'description', 'is empty'),
        attempts: 1,
        firstFailureAt,
      }),
      deadLetterOfSourceRow(
        topic.name,
        'P-2',
        { productnumber: 'P-2' },
        { stage: 'source.multicase.product', error: new Error('bad row'), attempts: 1, firstFailureAt },
      ),
    ]);
    const dlq = dlqTopicName(topic.name);

    const [page] = await listDeadLetters(rt, { topic: dlq });
    expect(page?.letters).toHaveLength(2);
    expect(page?.letters[0]).toMatchObject({
      key: 'P-1',
      originalTopic: topic.name,
      originalPartition: '2',
      originalOffset: '41',
      stage: 'processor.product-to-article',
      errorClass: 'ValidationError',
      message: 'product P-1: field description is empty',
      attempts: 1,
      firstFailure: '2025-03-01T06:00:00.000Z',
    });
    const listing = formatDeadLetters(await listDeadLetters(rt));
    expect(listing).toContain(`${dlq}: 2 letters`);
    expect(listing).toMatch(
      /P-1\s+multicase\.product\.changed\/2@41\s+processor\.product-to-article\s+ValidationError\s+1\s+2025-03-01T06:00:00.000Z\s+product P-1: field description is empty/,
    );

    const retried = await retryDeadLetters(rt, { topic: dlq });
    expect(retried).toMatchObject({
      retriedTotal: 1,
      retried: [{ topic: topic.name, count: 1 }],
      next: [{ partition: 0, offset: '2' }],
    });
    expect(retried.skipped).toEqual([expect.objectContaining({ key: 'P-2', offset: '1' })]);
    expect(formatRetry(retried)).toContain('--from-offset 2');

    const [back] = await readRecords(rt, topic.name, 1);
    expect(back?.key).toBe('P-1');
    expect(back?.value?.equals(value)).toBe(true);
    expect(back?.headers).toEqual({ traceparent: 'abc' });

    const again = capture(rt);
    expect(await runOps(['dlq', 'retry', '--topic', dlq, '--from-offset', '2'], again)).toBe(0);
    expect(again.stdout).toContain('No dead letters were re-published');
  });

  it('status shows the lag of a group that consumed part of a topic, source positions and dead letters', async () => {
    const topic = topics.purchaseOrderChanged.name;
    const group = 'processor.purchase-order-to-inbound';
    const producer = await rt.producer();
    await producer.send(Array.from({ length: 5 }, (_, i) => ({ topic, key: 'PO-1', value: Buffer.from(`po ${i}`) })));
    const position: SourceOffset = { source: 'multicase.product', position: '{"seq":42}', updatedAt: Date.now() };
    await producer.send([
      {
        topic: topics.sourceOffsets.name,
        key: position.source,
        value: await rt.serde.encode(topics.sourceOffsets, position),
      },
    ]);
    const admin = await rt.kafka.admin();
    const partition = (await admin.endOffsets(topic)).find((p) => p.offset === '5')!.partition;
    await admin.setGroupOffsets(group, topic, [{ partition, offset: '2' }]);
    await admin.disconnect();

    const report = await collectStatus(rt);
    const g = report.groups.find((x) => x.group === group);
    expect(g?.lag).toBe(3);
    expect(g?.partitions.find((p) => p.partition === partition)).toEqual({ partition, committed: 2, end: 5, lag: 3 });
    expect(report.sources).toEqual([expect.objectContaining({ source: 'multicase.product', position: '{"seq":42}' })]);
    expect(report.deadLetters.find((d) => d.topic === dlqTopicName(topics.productChanged.name))?.records).toBe(2);
    const text = formatStatus(report);
    expect(text).toMatch(
      new RegExp(
        `processor\\.purchase-order-to-inbound\\s+multicase\\.purchase-order\\.changed\\s+${partition}\\s+2\\s+5\\s+3`,
      ),
    );
    expect(text).toContain('{"seq":42}');
  });

  it('replay moves a stopped group to the earliest offset, an offset or a time; refuses unknown topics and running groups', async () => {
    const topic = topics.purchaseOrderChanged.name;
    const group = 'processor.purchase-order-to-inbound';
    const admin = await rt.kafka.admin();
    const partition = (await admin.endOffsets(topic)).find((p) => p.offset === '5')!.partition;
    const committed = async () =>
      (await admin.groupOffsets(group, topic)).find((p) => p.partition === partition)?.offset;
    try {
      const toEarliest = await replay(rt, { group, topic, target: { kind: 'earliest' } });
      expect(toEarliest.moves.find((m) => m.partition === partition)).toEqual({ partition, from: '2', to: '0' });
      expect(await committed()).toBe('0');

      await replay(rt, { group, topic, target: { kind: 'offset', offset: 4n }, partition });
      expect(await committed()).toBe('4');

      // (dry run: every real move costs kafkajs a group join and a fetch wait of about 5 s)
      const io = capture(rt);
      expect(
        await runOps(
          ['replay', '--group', group, '--topic', topic, '--to-time', '2999-01-01T00:00:00Z', '--dry-run'],
          io,
        ),
      ).toBe(0);
      expect(io.stdout).toMatch(new RegExp(`^${partition}\\s+4\\s+→\\s+5$`, 'm'));
      expect(io.stdout).toContain('Nothing was changed');
      expect(await committed()).toBe('4');

      const unknown = capture(rt);
      expect(await runOps(['replay', '--group', group, '--topic', 'no.such.topic', '--to-earliest'], unknown)).toBe(2);
      expect(unknown.stderr).toContain('unknown topic "no.such.topic"');

      const running = await rt.kafka.consumer({ groupId: group, topics: [topic], sessionTimeoutMs: 6_000 });
      void running.run(async () => {});
      await running.joined;
      try {
        const refused = await replay(rt, { group, topic, target: { kind: 'earliest' } }).catch((err: unknown) => err);
        expect(refused).toBeInstanceOf(GroupActiveError);
        expect((refused as Error).message).toContain(
          `stop the pipeline role that runs group ${group} first (processors)`,
        );
      } finally {
        await running.stop();
        await running.disconnect();
      }
    } finally {
      await admin.disconnect();
    }
  });
});
