/**
 * The partition of a keyed record, as the Java client's default partitioner computes it:
 * murmur2 of the key's UTF-8 bytes, made positive, modulo the partition count. Tools, Kafka
 * Streams and other clients therefore agree with us on where a key lives.
 *
 * kafkajs' own DefaultPartitioner computes the same number with 64-bit Long objects (about a
 * dozen allocations per message), copies the key into a new Buffer and filters the partition
 * list for every message, a share of a processor's CPU that shows in a profile. Murmur2 is 32-bit arithmetic,
 * which Math.imul does natively, and the key's bytes go to a scratch buffer, not a new one.
 * Records without a key (we send none) are spread round-robin, as kafkajs does.
 */
const M = 0x5bd1e995;
const SEED = 0x9747b28c;

/** Keys are written here to be hashed: no Buffer per message. Longer keys get their own. */
const scratch = Buffer.allocUnsafe(1024);

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2) of `data`, as a signed 32-bit int. */
export function murmur2(data: Uint8Array | string): number {
  if (typeof data !== 'string') return murmur2Bytes(data, data.length);
  // write() stops short of a character that does not fit; 3 bytes per char is the most in UTF-8.
  if (data.length * 3 <= scratch.length) return murmur2Bytes(scratch, scratch.write(data, 0, 'utf8'));
  const bytes = Buffer.from(data, 'utf8');
  return murmur2Bytes(bytes, bytes.length);
}

function murmur2Bytes(data: Uint8Array, length: number): number {
  let h = (SEED ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = length & ~3;
  const rest = length & 3;
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) h = Math.imul(h ^ data[tail]!, M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition of `key` among `partitions`, as the Java client's default partitioner picks it. */
export const partitionOfKey = (key: Uint8Array | string, partitions: number): number =>
  (murmur2(key) & 0x7fffffff) % partitions;

interface PartitionerArgs {
  topic: string;
  partitionMetadata: Array<{ partitionId: number; leader: number }>;
  message: { key?: Buffer | string | null; partition?: number | null };
}

/** A kafkajs `createPartitioner` with the Java client's choice for keyed records. */
export const javaCompatiblePartitioner = () => {
  const counters = new Map<string, number>();
  return ({ topic, partitionMetadata, message }: PartitionerArgs): number => {
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    if (message.key !== null && message.key !== undefined) return partitionOfKey(message.key, partitionMetadata.length);
    const available = partitionMetadata.filter((p) => p.leader >= 0);
    const n = (counters.get(topic) ?? Math.floor(Math.random() * 2 ** 31)) + 1;
    counters.set(topic, n);
    return available.length > 0 ? available[n % available.length]!.partitionId : n % partitionMetadata.length;
  };
};
