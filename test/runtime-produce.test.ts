/** Produce-or-dead-letter, the one mechanism stages and sources share, with a stand-in for the brokers' answer. */
import { describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../runtime/errors.js';
import type { OutgoingMessage } from '../runtime/kafka.js';
import { MAX_DEAD_LETTER_BYTES, produceOrDeadLetter, type Yielded } from '../runtime/produce.js';

const msg = (topic: string, key: string, bytes = 10): OutgoingMessage => ({
  topic,
  key,
  value: Buffer.alloc(bytes, 1),
});
const letterOf = (m: OutgoingMessage): OutgoingMessage => ({
  topic: `dlq.${m.topic}`,
  key: m.key,
  value: m.value,
  headers: { 'dlq.error.class': 'TooLarge' },
});
const yieldOf = (m: OutgoingMessage): Yielded => ({ messages: [m], instead: () => letterOf(m) });

/** Brokers that refuse for good any message larger than its topic's limit, and any batch holding one. */
function brokers(limit: number, dlqLimit = limit) {
  const written: OutgoingMessage[] = [];
  const send = async (ms: OutgoingMessage[]) => {
    if (ms.some((m) => (m.value?.length ?? 0) > (m.topic.startsWith('dlq.') ? dlqLimit : limit)))
      throw new PermanentError('message too large');
    written.push(...ms);
  };
  return { written, send };
}

describe('produceOrDeadLetter', () => {
  const signal = new AbortController().signal;

  it('sends everything in one batch when the brokers take it', async () => {
    const b = brokers(100);
    let sends = 0;
    const sent = await produceOrDeadLetter(
      (ms) => (sends++, b.send(ms)),
      [yieldOf(msg('a', '1')), yieldOf(msg('a', '2'))],
      signal,
    );
    expect(sends).toBe(1);
    expect(sent.map((m) => m.key)).toEqual(['1', '2']);
  });

  it('replaces only what the brokers refuse for good by its dead letter, in order', async () => {
    const b = brokers(100, 1000);
    const sent = await produceOrDeadLetter(
      b.send,
      [yieldOf(msg('a', '1')), yieldOf(msg('a', '2', 500)), yieldOf(msg('a', '3'))],
      signal,
    );
    expect(sent.map((m) => `${m.topic}/${m.key}`)).toEqual(['a/1', 'dlq.a/2', 'a/3']);
    expect(b.written.map((m) => `${m.topic}/${m.key}`)).toEqual(['a/1', 'dlq.a/2', 'a/3']);
    expect(b.written[1]?.value?.length).toBe(500);
  });

  it('cuts a dead letter that is itself too large, and flags the original size', async () => {
    const b = brokers(MAX_DEAD_LETTER_BYTES);
    const sent = await produceOrDeadLetter(b.send, [yieldOf(msg('a', 'big', MAX_DEAD_LETTER_BYTES * 3))], signal);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.topic).toBe('dlq.a');
    expect(sent[0]?.value?.length).toBe(MAX_DEAD_LETTER_BYTES);
    expect(sent[0]?.headers?.['dlq.value.truncated']).toBe(String(MAX_DEAD_LETTER_BYTES * 3));
  });

  it('never dead-letters when the brokers cannot be reached: the outage is rethrown', async () => {
    const down = async () => {
      throw new TransientError('brokers unreachable');
    };
    await expect(produceOrDeadLetter(down, [yieldOf(msg('a', '1'))], signal)).rejects.toBeInstanceOf(TransientError);
  });

  it('rethrows a failure that comes while shutting down instead of dead-lettering', async () => {
    const stopping = new AbortController();
    stopping.abort();
    const b = brokers(100);
    await expect(produceOrDeadLetter(b.send, [yieldOf(msg('a', 'big', 500))], stopping.signal)).rejects.toBeInstanceOf(
      PermanentError,
    );
    expect(b.written).toEqual([]);
  });
});
