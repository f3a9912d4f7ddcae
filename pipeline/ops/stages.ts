/**
 * Which consumer group reads which topic. The pipeline's stages are consumer groups named after
 * the stage (`processor.…`, `sink.…`); the ones this module knows come from the flow table, and any
 * other group following that naming is found on the cluster by asking which catalog topic it
 * has committed offsets for, so a newly added stage shows up without touching this file.
 */
import { allTopics } from '../../schemas/catalog.js';
import type { PipelineAdmin } from '../../runtime/kafka.js';
import { flowStages, type Role } from '../flows.js';

export interface StageGroup {
  /** Consumer group id (the stage name). */
  group: string;
  /** The topic the group consumes. */
  topic: string;
}

/** The stages of every flow in the flow table. */
const known = flowStages();
export const pipelineStages: readonly StageGroup[] = known.map(({ group, topic }) => ({ group, topic }));

const STAGE_GROUP = /^(processor|sink)\./;

/** The pipeline role (process) that runs a stage's consumer group: from the flow table, else by the naming convention. */
export function roleOfGroup(group: string): Role | undefined {
  const stage = known.find((s) => s.group === group);
  if (stage) return stage.role;
  if (group.startsWith('processor.')) return 'processors';
  if (group.startsWith('sink.ongoing.')) return 'sink-ongoing';
  if (group.startsWith('sink.multicase.')) return 'sink-multicase';
  return undefined;
}

/** Known stages, plus stage-named groups on the cluster with the topics they have committed offsets for. */
export async function stageGroups(admin: PipelineAdmin): Promise<StageGroup[]> {
  const known = new Set(pipelineStages.map((s) => s.group));
  const others = (await admin.listGroups()).filter((g) => STAGE_GROUP.test(g) && !known.has(g)).sort();
  const existing = new Set(await admin.listTopics());
  const candidates = allTopics.filter((t) => t.kind !== 'state' && existing.has(t.name)).map((t) => t.name);
  const found: StageGroup[] = [];
  for (const group of others) {
    const committed = await Promise.all(
      candidates.map(async (topic) =>
        (await admin.groupOffsets(group, topic)).some((p) => BigInt(p.offset) >= 0n) ? topic : undefined,
      ),
    );
    for (const topic of committed) if (topic) found.push({ group, topic });
  }
  return [...pipelineStages, ...found];
}
