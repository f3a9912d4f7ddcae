/**
 * `ops dlq list` and `ops dlq retry`. A dead letter is the original record (key, value bytes,
 * headers) plus `dlq.*` headers; retrying re-publishes the original to its topic, where the stage
 * handles it again (idempotently). The dead-letter topic itself is never changed: to avoid retrying
 * the same letters twice, `retry` reports the offset to pass as `--from-offset` next time.
 */
import { DLQ_HEADERS } from '../../runtime/dead-letter.js';
import type { ConsumedRecord, Headers, OutgoingMessage, PartitionOffset } from '../../runtime/kafka.js';
import type { Runtime } from '../../runtime/runtime.js';
import { UsageError } from './errors.js';
import { plural, textTable } from './format.js';
import type { ProgressReporter } from './progress.js';
import { readTopic } from './read-topic.js';

export interface DeadLetter {
  /** Where the letter itself sits. */
  partition: number;
  offset: string;
  key: string | null;
  originalTopic: string | null;
  originalPartition: string | null;
  originalOffset: string | null;
  stage: string | null;
  errorClass: string | null;
  message: string | null;
  attempts: number | null;
  firstFailure: string | null;
  /** Set for source rows that never became events (JSON, not Avro). */
  contentType: string | null;
  record: ConsumedRecord;
}

export interface DeadLetterPage {
  topic: string;
  letters: DeadLetter[];
  /** Letters on the topic (end offsets summed). */
  total: number;
  /** Offsets to pass as --from-offset to continue after what was read. */
  next: PartitionOffset[];
  complete: boolean;
}

export function deadLetterOf(record: ConsumedRecord): DeadLetter {
  const h = record.headers;
  const attempts = h[DLQ_HEADERS.attempts];
  return {
    partition: record.partition,
    offset: record.offset,
    key: record.key,
    originalTopic: h[DLQ_HEADERS.topic] ?? null,
    originalPartition: h[DLQ_HEADERS.partition] ?? null,
    originalOffset: h[DLQ_HEADERS.offset] ?? null,
    stage: h[DLQ_HEADERS.stage] ?? null,
    errorClass: h[DLQ_HEADERS.errorClass] ?? null,
    message: h[DLQ_HEADERS.message] ?? null,
    attempts: attempts === undefined ? null : Number(attempts),
    firstFailure: h[DLQ_HEADERS.firstFailure] ?? null,
    contentType: h[DLQ_HEADERS.contentType] ?? null,
    record,
  };
}

async function dlqTopics(rt: Runtime): Promise<string[]> {
  const admin = await rt.kafka.admin();
  try {
    return (await admin.listTopics()).filter((t) => t.startsWith('dlq.')).sort();
  } finally {
    await admin.disconnect();
  }
}

async function requireDlqTopic(rt: Runtime, command: string, topic: string): Promise<void> {
  if (!topic.startsWith('dlq.'))
    throw new UsageError(`${command}: --topic must be a dead-letter topic (dlq.<topic>), got "${topic}"`);
  const known = await dlqTopics(rt);
  if (!known.includes(topic))
    throw new UsageError(
      `${command}: unknown topic "${topic}"; dead-letter topics are: ${known.join(', ') || '(none; run setup)'}`,
    );
}

function nextOffsets(
  ends: PartitionOffset[],
  letters: { partition: number; offset: string }[],
  from: bigint,
  complete: boolean,
  limited: boolean,
): PartitionOffset[] {
  return ends.map((e) => {
    const mine = letters.filter((l) => l.partition === e.partition);
    const last = mine.at(-1);
    // Everything up to the end offset at the start was looked at, unless a limit or the clock stopped us.
    const next =
      limited || !complete
        ? last
          ? BigInt(last.offset) + 1n
          : from
        : BigInt(e.offset) > from
          ? BigInt(e.offset)
          : from;
    return { partition: e.partition, offset: next.toString() };
  });
}

async function readLetters(
  rt: Runtime,
  topic: string,
  opts: { fromOffset?: bigint; limit?: number; timeoutMs?: number },
): Promise<DeadLetterPage> {
  const from = opts.fromOffset ?? 0n;
  const read = await readTopic(rt, topic, {
    fromOffset: from,
    ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
    timeoutMs: opts.timeoutMs ?? 20_000,
  });
  const letters = read.records.map(deadLetterOf);
  const limited = opts.limit !== undefined && letters.length >= opts.limit;
  return {
    topic,
    letters,
    total: read.ends.reduce((s, e) => s + Number(e.offset), 0),
    next: nextOffsets(read.ends, letters, from, read.complete, limited),
    complete: read.complete,
  };
}

export interface ListOptions {
  /** One dead-letter topic; default: every dlq.* topic that has letters. */
  topic?: string;
  fromOffset?: bigint;
  /** Per topic. */
  limit?: number;
  timeoutMs?: number;
}

export async function listDeadLetters(rt: Runtime, opts: ListOptions = {}): Promise<DeadLetterPage[]> {
  if (opts.topic !== undefined) await requireDlqTopic(rt, 'dlq list', opts.topic);
  const names = opts.topic !== undefined ? [opts.topic] : await dlqTopics(rt);
  const pages: DeadLetterPage[] = [];
  for (const topic of names) {
    const page = await readLetters(rt, topic, {
      limit: opts.limit ?? 50,
      ...(opts.fromOffset !== undefined ? { fromOffset: opts.fromOffset } : {}),
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    });
    if (opts.topic !== undefined || page.total > 0) pages.push(page);
  }
  return pages;
}

function formatNext(next: PartitionOffset[]): string {
  if (next.length === 1) return `--from-offset ${next[0]!.offset}`;
  return next.map((n) => `partition ${n.partition}: ${n.offset}`).join(', ');
}

export function formatDeadLetters(pages: DeadLetterPage[]): string {
  if (pages.length === 0) return 'No dead letters.';
  return pages
    .map((p) => {
      const head = `${p.topic}: ${plural(p.total, 'letter')} on the topic, ${p.letters.length} shown; continue with ${formatNext(p.next)}${p.complete ? '' : ' (read timed out)'}`;
      if (p.letters.length === 0) return head;
      const rows = p.letters.map((l) => [
        l.offset,
        l.key,
        l.originalTopic === null
          ? null
          : `${l.originalTopic}/${l.originalPartition ?? '?'}@${l.originalOffset ?? (l.contentType ? 'source row' : '?')}`,
        l.stage,
        l.errorClass,
        l.attempts,
        l.firstFailure,
        l.message,
      ]);
      return `${head}\n${textTable(['offset', 'key', 'original', 'stage', 'error', 'attempts', 'first failure', 'message'], rows)}`;
    })
    .join('\n\n');
}

export interface RetryOptions {
  topic: string;
  /** Only letters with this record key. */
  key?: string;
  /** Start at this offset of the dead-letter topic (the `next` printed by the previous retry). */
  fromOffset?: bigint;
  /** At most this many letters looked at. */
  limit?: number;
  dryRun?: boolean;
  timeoutMs?: number;
  /** Letters re-published so far, of those to re-publish. */
  progress?: ProgressReporter;
}

export interface RetryResult {
  topic: string;
  key?: string;
  /** Re-published, per original topic. */
  retried: { topic: string; count: number }[];
  retriedTotal: number;
  skipped: { offset: string; key: string | null; reason: string }[];
  /** Pass as --from-offset next time to not retry these letters again. */
  next: PartitionOffset[];
  complete: boolean;
  dryRun: boolean;
}

/** Why a dead letter cannot be put back on its topic (whatever its topic's state), or undefined. */
export function retryRefusal(l: Pick<DeadLetter, 'originalTopic' | 'contentType'>): string | undefined {
  if (l.originalTopic === null) return `no ${DLQ_HEADERS.topic} header`;
  if (l.contentType === 'application/json')
    return 'a source row that never became an event (JSON); fix the data in the source system instead';
  return undefined;
}

/** The original record: verbatim key, value and headers, without the dead-letter headers. */
export function originalOf(letter: DeadLetter): OutgoingMessage {
  const headers: Headers = {};
  for (const [k, v] of Object.entries(letter.record.headers)) if (!k.startsWith('dlq.')) headers[k] = v;
  return { topic: letter.originalTopic!, key: letter.record.key, value: letter.record.value, headers };
}

const SEND_CHUNK = 500;

export async function retryDeadLetters(rt: Runtime, opts: RetryOptions): Promise<RetryResult> {
  await requireDlqTopic(rt, 'dlq retry', opts.topic);
  const page = await readLetters(rt, opts.topic, {
    ...(opts.fromOffset !== undefined ? { fromOffset: opts.fromOffset } : {}),
    ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
  });
  const admin = await rt.kafka.admin();
  const existing = new Set(await admin.listTopics().finally(() => admin.disconnect()));
  const out: OutgoingMessage[] = [];
  const skipped: RetryResult['skipped'] = [];
  for (const l of page.letters) {
    if (opts.key !== undefined && l.key !== opts.key) continue;
    const refused =
      retryRefusal(l) ??
      (existing.has(l.originalTopic!) ? undefined : `original topic ${l.originalTopic} does not exist`);
    if (refused) skipped.push({ offset: l.offset, key: l.key, reason: refused });
    else out.push(originalOf(l));
  }
  if (!opts.dryRun) {
    const producer = await rt.producer();
    for (let i = 0; i < out.length; i += SEND_CHUNK) {
      await producer.send(out.slice(i, i + SEND_CHUNK));
      opts.progress?.update(Math.min(i + SEND_CHUNK, out.length), out.length);
    }
  }
  opts.progress?.finish();
  const counts = new Map<string, number>();
  for (const m of out) counts.set(m.topic, (counts.get(m.topic) ?? 0) + 1);
  return {
    topic: opts.topic,
    ...(opts.key !== undefined ? { key: opts.key } : {}),
    retried: [...counts].map(([topic, count]) => ({ topic, count })),
    retriedTotal: out.length,
    skipped,
    next: page.next,
    complete: page.complete,
    dryRun: opts.dryRun ?? false,
  };
}

export function formatRetry(r: RetryResult): string {
  const lines = [
    r.retriedTotal === 0
      ? `No dead letters ${r.dryRun ? 'would be' : 'were'} re-published from ${r.topic}.`
      : `${r.dryRun ? 'Would re-publish' : 'Re-published'} ${plural(r.retriedTotal, 'dead letter')} from ${r.topic}: ${r.retried.map((t) => `${t.count} to ${t.topic}`).join(', ')}.`,
  ];
  if (r.skipped.length > 0)
    lines.push(
      `Skipped ${r.skipped.length}:`,
      textTable(
        ['offset', 'key', 'reason'],
        r.skipped.map((s) => [s.offset, s.key, s.reason]),
      ),
    );
  if (!r.complete) lines.push('Reading the dead-letter topic timed out; not every letter was looked at.');
  lines.push(`Next time, to not retry these letters again, add ${formatNext(r.next)}.`);
  if (r.key !== undefined)
    lines.push(
      `(Letters with keys other than "${r.key}" in the same range were not retried; retry them with this run's --from-offset.)`,
    );
  return lines.join('\n');
}
