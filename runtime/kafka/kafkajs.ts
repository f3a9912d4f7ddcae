/**
 * kafkajs 2.2 groups the messages of a send by partition with a reduce that copies the group's
 * array for every message (src/producer/groupMessagesPerPartition.js): quadratic in the messages
 * of one partition per send, a measurable share of a processor's CPU at a chunk of 500 and far
 * more at larger ones (upstream fix: tulios/kafkajs#1576, never released). This module puts a
 * linear version of that one function into Node's module cache before kafkajs loads, so kafkajs
 * picks it up; behaviour is identical (same partitioner calls, same grouping, same order).
 *
 * Node runs a CommonJS package imported by an ES module while it links the module graph, before
 * any module body, so the replacement cannot come from an import placed first. Hence kafkajs is
 * loaded here, with require, right after the replacement: runtime code takes kafkajs' values
 * from this module (`kafkajs`) and only its types from 'kafkajs'. Should kafkajs be loaded
 * already, or its file moved, nothing is replaced and kafkajs runs as shipped
 * (`linearGroupingActive` says which).
 */
import { createRequire } from 'node:module';
import type * as KafkaJs from 'kafkajs';

type Partitioner = (args: { topic: string; partitionMetadata: unknown[]; message: unknown }) => number;

function groupMessagesPerPartition({
  topic,
  partitionMetadata,
  messages,
  partitioner,
}: {
  topic: string;
  partitionMetadata: unknown[];
  messages: unknown[];
  partitioner: Partitioner;
}): Record<number, unknown[]> {
  const result: Record<number, unknown[]> = {};
  if (partitionMetadata.length === 0) return result;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    (result[partition] ??= []).push(message);
  }
  return result;
}

const require = createRequire(import.meta.url);

function install(): boolean {
  try {
    const main = require.resolve('kafkajs');
    if (require.cache[main]) return false;
    const file = require.resolve('kafkajs/src/producer/groupMessagesPerPartition.js');
    const mod = { id: file, filename: file, loaded: true, exports: groupMessagesPerPartition, children: [], paths: [] };
    require.cache[file] = mod as unknown as NodeJS.Module;
    return true;
  } catch {
    return false;
  }
}

export const linearGroupingActive = install();
export const kafkajs = require('kafkajs') as typeof KafkaJs;
