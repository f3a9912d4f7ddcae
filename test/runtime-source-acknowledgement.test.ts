/**
 * The source loop on the real broker and registry: an acknowledgement belongs to its event. An
 * event that cannot be encoded is dead-lettered, its acknowledgement is never produced (so the
 * source system keeps offering it), and the connector is told, so that it can remember it; the
 * events beside it flow and are acknowledged as usual.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../schemas/catalog.js';
import { commandFrom } from '../schemas/envelopes.js';
import type { OrderReportCommand, OrderShipped } from '../schemas/types.generated.js';
import { DLQ_HEADERS } from '../runtime/dead-letter.js';
import type { Runtime } from '../runtime/runtime.js';
import { openSourcePositions, runSource, type SourceConnector, type SourceEvent } from '../runtime/source.js';
import { eventually } from './support/environment.js';
import { createTopics, privateTopic, readRecords, testRuntime } from './support/kafka.js';

const shipped = { ...privateTopic(topics.orderShipped), partitions: 1 };
const report = { ...privateTopic(topics.orderReport), partitions: 1 };
const positions = privateTopic(topics.sourceOffsets);

function shipmentOf(orderNumber: string, parcelNumber: unknown): OrderShipped {
  return {
    eventId: `ongoing:shipment:${orderNumber}:1`,
    entityKey: orderNumber,
    operation: 'UPDATE',
    source: { system: 'ongoing', entity: 'order', position: '1' },
    occurredAt: 1_000,
    capturedAt: 1_000,
    after: {
      orderId: 1,
      orderNumber,
      statusNumber: 450,
      shippedAt: null,
      waybill: null,
      trackingUrl: null,
      transporterCode: null,
      transporterServiceCode: null,
      goodsOwnerOrderId: null,
      backOrderForOrderId: null,
      backOrderForOrderNumber: null,
      parcels: [{ parcelNumber: parcelNumber as string, trackingUrl: null }],
      lines: [],
    },
  };
}

function eventOf(value: OrderShipped): SourceEvent {
  const ack = commandFrom(value, report, { orderNumber: value.entityKey, ongoingOrderId: 1, lines: [] });
  return {
    topic: shipped as SourceEvent['topic'],
    key: value.entityKey,
    value,
    acknowledgement: { topic: report as SourceEvent['topic'], key: value.entityKey, value: ack },
  };
}

describe('a source acknowledges only what reached Kafka', () => {
  let rt: Runtime;
  const undelivered: string[][] = [];
  let polls = 0;

  beforeAll(async () => {
    rt = testRuntime('source-ack-test');
    await createTopics(rt, [shipped, report, positions]);
    const connector: SourceConnector<{ polls: number; remembered?: string[] }> = {
      name: 'test.acknowledgements',
      initialPosition: { polls: 0 },
      intervalMs: 60_000,
      async poll(position) {
        polls++;
        if (position.polls > 0) return { events: [], next: position };
        return {
          // A parcel number that is a number, not a string: valid JSON, but not the schema.
          events: [eventOf(shipmentOf('GOOD', 'P-1')), eventOf(shipmentOf('BAD', 12345))],
          next: { polls: 1 },
        };
      },
      undelivered(next, events) {
        undelivered.push(events.map((e) => e.key));
        return { ...next, remembered: events.map((e) => e.key) };
      },
    };
    await runSource(rt, connector, await openSourcePositions(rt, positions));
  });
  afterAll(() => rt.close());

  it('dead-letters the event that cannot be encoded and produces only the other one, with its acknowledgement', async () => {
    const events = await readRecords(rt, shipped.name, 1);
    expect(events.map((r) => r.key)).toEqual(['GOOD']);
    const dead = await readRecords(rt, `dlq.${shipped.name}`, 1);
    expect(dead.map((r) => [r.key, r.headers[DLQ_HEADERS.stage]])).toEqual([['BAD', 'source:test.acknowledgements']]);
    const acks = await readRecords(rt, report.name, 2, 5_000);
    const decoded = await Promise.all(acks.map((r) => rt.serde.decode<OrderReportCommand>(report, r.value)));
    expect(decoded.map((a) => a.payload.orderNumber)).toEqual(['GOOD']);
    expect(undelivered).toEqual([['BAD']]);
    // The connector's memory of it went out with the position.
    const stored = await eventually(
      () => readRecords(rt, positions.name, 1, 5_000),
      (r) => r.length === 1,
      10_000,
      'the stored position',
    );
    const offset = await rt.serde.decode<{ position: string }>(positions, stored[0]!.value);
    expect(JSON.parse(offset.position)).toEqual({ polls: 1, remembered: ['BAD'] });
    expect(polls).toBeGreaterThanOrEqual(1);
  });
});
