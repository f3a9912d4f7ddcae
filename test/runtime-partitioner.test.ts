/**
 * Our partitioner must put every key where the Java client (and kafkajs' DefaultPartitioner, which
 * follows it) puts it: a consumer or a tool that computes a key's partition must find it there.
 */
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { javaCompatiblePartitioner, murmur2, partitionOfKey } from '../runtime/kafka/partitioner.js';

const require = createRequire(import.meta.url);
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (
  key: Buffer | string,
) => number;

describe('the Java-compatible partitioner', () => {
  it("gives Kafka's own murmur2 values (from the Java client's UtilsTest)", () => {
    // org.apache.kafka.common.utils.UtilsTest#testMurmur2
    const cases: Array<[string, number]> = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [key, hash] of cases) expect(murmur2(Buffer.from(key))).toBe(hash);
  });

  it("agrees with kafkajs' murmur2 on 20,000 keys: ASCII of every length, non-ASCII, long ones", () => {
    const keys = ['', 'a', 'ab', 'abc', 'abcd', 'ÅÄÖ-åäö', 'ключ', '商品-123', '🙂 emoji', 'x'.repeat(5_000)];
    for (let i = 0; i < 10_000; i++)
      keys.push(`BENCH-${i}`, randomBytes(1 + (i % 40)).toString(i % 2 ? 'latin1' : 'base64'));
    for (const key of keys) {
      expect(murmur2(key), key).toBe(kafkajsMurmur2(key));
      expect(murmur2(Buffer.from(key)), key).toBe(kafkajsMurmur2(Buffer.from(key)));
    }
  });

  it('picks the partition of a keyed message from the key, an explicit one as given, and spreads unkeyed ones', () => {
    const partitionMetadata = [0, 1, 2, 3, 4, 5].map((partitionId) => ({ partitionId, leader: 1 }));
    const partitioner = javaCompatiblePartitioner();
    for (const key of ['ORD-1', 'ORD-2', 'ongoing:article:BENCH-7', 'Škoda']) {
      const expected = (kafkajsMurmur2(key) & 0x7fffffff) % 6;
      expect(partitioner({ topic: 't', partitionMetadata, message: { key } })).toBe(expected);
      expect(partitioner({ topic: 't', partitionMetadata, message: { key: Buffer.from(key) } })).toBe(expected);
      expect(partitionOfKey(key, 6)).toBe(expected);
    }
    expect(partitioner({ topic: 't', partitionMetadata, message: { key: 'ORD-1', partition: 4 } })).toBe(4);
    const unkeyed = new Set(
      Array.from({ length: 12 }, () => partitioner({ topic: 't', partitionMetadata, message: {} })),
    );
    expect(unkeyed.size).toBe(6);
  });
});
