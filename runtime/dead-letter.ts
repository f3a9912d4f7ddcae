/**
 * Dead letters: the original key, value bytes and headers, on `dlq.<topic>`, plus headers that say
 * what went wrong. Keeping the bytes verbatim means a dead letter can be re-published as it was
 * (`npm run ops -- dlq retry`) once the cause is fixed; readers decode the value with the schema
 * id it carries, like any record of the original topic.
 */
import { dlqTopicName } from '../schemas/topic.js';
import { errorClass, errorMessage } from './errors.js';
import type { ConsumedRecord, Headers, OutgoingMessage } from './kafka.js';

export const DLQ_HEADERS = {
  stage: 'dlq.stage',
  errorClass: 'dlq.error.class',
  message: 'dlq.error.message',
  attempts: 'dlq.attempts',
  firstFailure: 'dlq.first.failure',
  failedAt: 'dlq.failed.at',
  topic: 'dlq.original.topic',
  partition: 'dlq.original.partition',
  offset: 'dlq.original.offset',
  contentType: 'content-type',
} as const;

export interface Failure {
  stage: string;
  error: unknown;
  attempts: number;
  firstFailureAt: number;
}

function errorHeaders(f: Failure): Headers {
  return {
    [DLQ_HEADERS.stage]: f.stage,
    [DLQ_HEADERS.errorClass]: errorClass(f.error),
    [DLQ_HEADERS.message]: errorMessage(f.error).slice(0, 4000),
    [DLQ_HEADERS.attempts]: String(f.attempts),
    [DLQ_HEADERS.firstFailure]: new Date(f.firstFailureAt).toISOString(),
    [DLQ_HEADERS.failedAt]: new Date().toISOString(),
  };
}

/** A consumed record that can never succeed. */
export function deadLetterOf(record: ConsumedRecord, f: Failure): OutgoingMessage {
  return {
    topic: dlqTopicName(record.topic),
    key: record.key,
    value: record.value,
    headers: {
      ...record.headers,
      ...errorHeaders(f),
      [DLQ_HEADERS.topic]: record.topic,
      [DLQ_HEADERS.partition]: String(record.partition),
      [DLQ_HEADERS.offset]: record.offset,
    },
  };
}

/** A source row that cannot become a valid event: kept as JSON so nothing is lost. */
export function deadLetterOfSourceRow(topic: string, key: string | null, row: unknown, f: Failure): OutgoingMessage {
  return {
    topic: dlqTopicName(topic),
    key,
    value: Buffer.from(JSON.stringify(row)),
    headers: { ...errorHeaders(f), [DLQ_HEADERS.topic]: topic, [DLQ_HEADERS.contentType]: 'application/json' },
  };
}
