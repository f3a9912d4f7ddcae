/** The current contents of a compacted state topic, read once through a table (as the stages see it). */
import type { TopicSpec } from '../../schemas/topic.js';
import type { Runtime } from '../../runtime/runtime.js';
import { openTable } from '../../runtime/table.js';

export async function readTableOnce<V>(rt: Runtime, topic: TopicSpec<V>): Promise<Map<string, V>> {
  const admin = await rt.kafka.admin();
  const ends = await admin.endOffsets(topic.name).finally(() => admin.disconnect());
  // An empty topic has nothing to read; and a table closed before its consumer joined makes kafkajs log a crash.
  if (ends.every((e) => BigInt(e.offset) === 0n)) return new Map();
  const table = await openTable(rt, topic, { loadTimeoutMs: 20_000 });
  try {
    return new Map(table.entries());
  } finally {
    await table.close();
  }
}
