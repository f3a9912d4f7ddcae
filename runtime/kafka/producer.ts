/** The idempotent producer behind PipelineProducer. */
import type { Kafka, Producer } from 'kafkajs';
import { javaCompatiblePartitioner } from './partitioner.js';
import type { OutgoingMessage, PipelineProducer } from './types.js';
import { classify, type Namespace } from './shared.js';

export async function openProducer(kafka: Kafka, ns: Namespace): Promise<PipelineProducer> {
  const p: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    // murmur2 on the key, as the Java client does: tools and other clients agree on the partition of a key.
    createPartitioner: javaCompatiblePartitioner,
  });
  await p.connect().catch((err: unknown) => {
    throw classify(err, 'connecting the producer to Kafka');
  });
  return {
    async send(messages) {
      if (messages.length === 0) return;
      try {
        await p.sendBatch({
          acks: -1,
          topicMessages: [...byTopic(messages)].map(([topic, ms]) => ({
            topic: ns.out(topic),
            messages: ms.map((m) =>
              m.headers ? { key: m.key, value: m.value, headers: m.headers } : { key: m.key, value: m.value },
            ),
          })),
        });
      } catch (err) {
        throw classify(err, 'producing to Kafka failed');
      }
    },
    disconnect: () => p.disconnect(),
  };
}

/** Groups the messages by topic, keeping their order within each topic. */
function byTopic(messages: OutgoingMessage[]): Map<string, OutgoingMessage[]> {
  const groups = new Map<string, OutgoingMessage[]>();
  for (const m of messages) {
    const group = groups.get(m.topic);
    if (group) group.push(m);
    else groups.set(m.topic, [m]);
  }
  return groups;
}
