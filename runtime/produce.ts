/**
 * Produce-or-dead-letter, shared by stages and sources. Everything one step yielded goes out in
 * one acknowledged send. Should the brokers refuse it for good (a message too large, say), each
 * item is sent on its own, and an item that can never be written is replaced by its dead letter,
 * so one record or row cannot stop a partition or a source. A refusal that a retry can cure
 * (brokers unreachable, a leader moving) is rethrown: that is an outage, never bad input.
 */
import { isRetriable } from './errors.js';
import { Interrupted } from './retry.js';
import type { OutgoingMessage } from './kafka.js';

/** Dead letters larger than this are cut (and flagged) should the brokers refuse them whole. */
export const MAX_DEAD_LETTER_BYTES = 64 * 1024;

export interface Yielded {
  messages: OutgoingMessage[];
  /** The dead letter that stands in for `messages` when the brokers refuse them for good. */
  instead(error: unknown): OutgoingMessage;
}

/** A dead letter small enough for any topic: an oversized value is cut and flagged. */
export function truncated(m: OutgoingMessage): OutgoingMessage {
  if (!m.value || m.value.length <= MAX_DEAD_LETTER_BYTES) return m;
  return {
    ...m,
    value: m.value.subarray(0, MAX_DEAD_LETTER_BYTES),
    headers: { ...m.headers, 'dlq.value.truncated': String(m.value.length) },
  };
}

/**
 * Sends what was yielded; returns the messages actually written (dead letters included).
 * `send` is expected to retry transient failures itself; whatever it throws that is retriable,
 * or anything once `signal` aborted, is rethrown untouched.
 */
export async function produceOrDeadLetter(
  send: (messages: OutgoingMessage[]) => Promise<void>,
  yielded: Yielded[],
  signal: AbortSignal,
): Promise<OutgoingMessage[]> {
  const all = yielded.flatMap((y) => y.messages);
  if (all.length === 0) return all;
  // An interrupted send (the partition taken away meanwhile) is no refusal: the batch is read again.
  const refusedForGood = (err: unknown) => !(err instanceof Interrupted) && !isRetriable(err) && !signal.aborted;
  try {
    await send(all);
    return all;
  } catch (err) {
    if (!refusedForGood(err)) throw err;
  }
  const sent: OutgoingMessage[] = [];
  for (const y of yielded) {
    if (y.messages.length === 0) continue;
    try {
      await send(y.messages);
      sent.push(...y.messages);
      continue;
    } catch (err) {
      if (!refusedForGood(err)) throw err;
      sent.push(await sendDeadLetter(send, y.instead(err), refusedForGood));
    }
  }
  return sent;
}

/** The dead letter as it is; cut to size only if the brokers refuse it whole. */
async function sendDeadLetter(
  send: (messages: OutgoingMessage[]) => Promise<void>,
  letter: OutgoingMessage,
  refusedForGood: (err: unknown) => boolean,
): Promise<OutgoingMessage> {
  try {
    await send([letter]);
    return letter;
  } catch (err) {
    const cut = truncated(letter);
    if (!refusedForGood(err) || cut === letter) throw err;
    await send([cut]);
    return cut;
  }
}
