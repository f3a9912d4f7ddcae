/** The small interfaces the rest of the pipeline talks to Kafka through (`runtime/kafka.ts` implements them with kafkajs). */

export type Headers = Record<string, string>;

export interface OutgoingMessage {
  topic: string;
  key: string | null;
  value: Buffer | null;
  headers?: Headers;
}

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Headers;
  timestamp: number;
}

export interface PartitionBatch {
  topic: string;
  partition: number;
  records: ConsumedRecord[];
  highWatermark: string;
  /** Call during long work so the group does not think this member died. */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping: finish or abandon the current record, then return. */
  isRunning(): boolean;
  /** Commit `nextOffset` (the offset of the next record to read) for this partition; the consumer goes on fetching from `fetchFrom` (default: the same). */
  commit(nextOffset: string, fetchFrom?: string): Promise<void>;
}

export interface PipelineProducer {
  /** Resolves once every message is acknowledged by all in-sync replicas. */
  send(messages: OutgoingMessage[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface PipelineConsumer {
  /** Resolves when the consumer has joined its group (and got its partitions). */
  readonly joined: Promise<void>;
  /** Runs until stop(); batches of one partition are handed over in order. */
  run(handler: (batch: PartitionBatch) => Promise<void>, opts?: { partitionsConcurrently?: number }): Promise<void>;
  /** Fetch the partition from `offset` again (the committed offset stays as it is); ignored for a partition this member does not hold. */
  seek(topic: string, partition: number, offset: string): void;
  /** The partitions of `topic` this member holds now; undefined while the group rebalances. */
  assigned(topic: string): readonly number[] | undefined;
  /** When the group last confirmed this member (joined, or a heartbeat answered); 0 before that. */
  lastConfirmedAt(): number;
  stop(): Promise<void>;
  disconnect(): Promise<void>;
}

export interface ConsumerOptions {
  groupId: string;
  topics: string[];
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
  /** Read-only consumers (tables) never commit; their group is throw-away. */
  autoCommit?: false;
  /** Leave each partition with the member that held it before a rebalance (leases: a standby that joins waits). */
  sticky?: boolean;
  /** Bytes fetched per partition and request (kafkajs' default 1 MB); tables ask for less (runtime/table.ts). */
  maxBytesPerPartition?: number;
}

export interface TopicDescription {
  name: string;
  partitions: number;
  compacted: boolean;
  /** `retention.ms`: -1 keeps records without time limit; absent leaves the broker's default. */
  retentionMs?: number;
}

/** A topic whose configuration ensureTopics changed, with each changed setting's value before and after. */
export interface TopicConfigChange {
  topic: string;
  changes: Record<string, { from: string | null; to: string }>;
}

export interface EnsuredTopics {
  /** Topics that did not exist and were created. */
  created: string[];
  /** Existing topics whose retention.ms (or cleanup.policy) differed from the description and was changed. */
  reconfigured: TopicConfigChange[];
}

export interface PartitionOffset {
  partition: number;
  offset: string;
}

export interface PipelineAdmin {
  /**
   * Creates the topics that are missing and brings the retention.ms (and, for compacted topics,
   * cleanup.policy) of existing ones in line with their description.
   */
  ensureTopics(topics: TopicDescription[], opts?: { alignExisting?: boolean }): Promise<EnsuredTopics>;
  listTopics(): Promise<string[]>;
  deleteTopics(topics: string[]): Promise<void>;
  /** High-water marks (the offset the next record will get) of every partition. */
  endOffsets(topic: string): Promise<PartitionOffset[]>;
  offsetsAtTime(topic: string, timestampMs: number): Promise<PartitionOffset[]>;
  groupOffsets(groupId: string, topic: string): Promise<PartitionOffset[]>;
  setGroupOffsets(groupId: string, topic: string, offsets: PartitionOffset[]): Promise<void>;
  listGroups(): Promise<string[]>;
  /** Deletes groups without members (a table's throw-away group once it closed); one still in use is left. */
  deleteGroups(groupIds: string[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface KafkaClient {
  producer(): Promise<PipelineProducer>;
  consumer(opts: ConsumerOptions): Promise<PipelineConsumer>;
  admin(): Promise<PipelineAdmin>;
}
