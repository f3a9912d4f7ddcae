/**
 * A partition assignor that leaves each partition with the member that held it before the
 * rebalance (each member tells what it held in its subscription's user data), and deals out the
 * rest round robin. Leases (runtime/lease.ts) use it: a standby that joins the lease's group must
 * wait, not take the lease from its holder (kafkajs' round robin gives partition 0 to whichever
 * member id sorts first).
 */
import type { PartitionAssigner } from 'kafkajs';
import { kafkajs } from './kafkajs.js';

const { AssignerProtocol } = kafkajs;

export const STICKY_ASSIGNER = 'PipelineSticky';

interface Claim {
  /** Partitions per topic the member held after its last join. */
  held: Record<string, number[]>;
  /** When that join was (ms); of two members claiming a partition, the later join wins (the other was cut off meanwhile). */
  at: number;
}

function claimOf(userData: Buffer | undefined): Claim {
  try {
    return userData && userData.length > 0 ? (JSON.parse(userData.toString('utf8')) as Claim) : { held: {}, at: 0 };
  } catch {
    return { held: {}, at: 0 };
  }
}

export function stickyAssigner(heldBefore: () => Claim): PartitionAssigner {
  return ({ cluster }) => ({
    name: STICKY_ASSIGNER,
    version: 0,
    async assign({ members, topics }) {
      const sorted = [...members].sort((a, b) => a.memberId.localeCompare(b.memberId));
      const owner = new Map<string, { memberId: string; at: number }>();
      for (const m of sorted) {
        const claim = claimOf(AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.userData);
        for (const [topic, partitions] of Object.entries(claim.held ?? {})) {
          for (const p of partitions) {
            const prior = owner.get(`${topic}/${p}`);
            if (!prior || claim.at > prior.at) owner.set(`${topic}/${p}`, { memberId: m.memberId, at: claim.at });
          }
        }
      }
      const assignment = new Map<string, Record<string, number[]>>(sorted.map((m) => [m.memberId, {}]));
      let next = 0;
      for (const topic of topics) {
        for (const { partitionId } of cluster.findTopicPartitionMetadata(topic)) {
          const memberId = owner.get(`${topic}/${partitionId}`)?.memberId ?? sorted[next++ % sorted.length]!.memberId;
          const mine = assignment.get(memberId)!;
          (mine[topic] ??= []).push(partitionId);
        }
      }
      return [...assignment].map(([memberId, a]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 0,
          assignment: a,
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      return {
        name: STICKY_ASSIGNER,
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: 0,
          topics,
          userData: Buffer.from(JSON.stringify(heldBefore()), 'utf8'),
        }),
      };
    },
  });
}
