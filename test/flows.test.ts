/**
 * The flow table is the one list of flows: the composition root, the ops stage list, `ops flows`
 * and the README are derived from it, so these checks keep it honest.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allTopics } from '../schemas/catalog.js';
import { flows, flowStages, isBuilt, ROLES } from '../pipeline/flows.js';
import { flowsMarkdown, flowsText } from '../pipeline/ops/flows.js';
import { pipelineStages, roleOfGroup } from '../pipeline/ops/stages.js';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('the flow table', () => {
  it('lists the eight flows in order', () => {
    expect(flows.map((f) => f.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(flows.filter(isBuilt).map((f) => f.number)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('names files that exist for every step', () => {
    const steps = flows.flatMap((f) => [...f.sources, ...f.mappings, ...f.sinks]);
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) expect(existsSync(`${root}/${step.where}`), step.where).toBe(true);
  });

  it('chains each built flow: source → mapping → sink through the same topics', () => {
    for (const f of flows.filter((f) => f.sources.length > 0)) {
      const [source] = f.sources;
      const [mapping] = f.mappings;
      const [sink] = f.sinks;
      expect(mapping?.spec.input.name, `flow ${f.number}`).toBe(source?.output.name);
      expect(sink?.input.name, `flow ${f.number}`).toBe(mapping?.spec.output.name);
    }
  });

  it('places every change and command topic of the catalog in exactly one flow', () => {
    const used = flows.flatMap((f) => [
      ...new Set([
        ...f.sources.map((s) => s.output.name),
        ...f.mappings.flatMap((m) => [m.spec.input.name, m.spec.output.name]),
        ...f.sinks.map((s) => s.input.name),
        ...(f.plannedTopics ?? []).map((t) => t.name),
        ...(f.builtInto ? [f.builtInto.reads.name] : []),
      ]),
    ]);
    const flowTopics = allTopics.filter((t) => t.kind !== 'state').map((t) => t.name).sort();
    expect(used.filter((t) => !t.startsWith('state.')).sort()).toEqual(flowTopics);
  });

  it('gives the ops CLI every stage with the role that runs it', () => {
    const stages = flowStages();
    expect(pipelineStages.map((s) => s.group)).toEqual(stages.map((s) => s.group));
    expect(new Set(stages.map((s) => s.group)).size).toBe(stages.length);
    for (const s of stages) {
      expect(ROLES).toContain(s.role);
      expect(roleOfGroup(s.group)).toBe(s.role);
    }
  });

  it('prints each built step with its file, and the planned topics of the rest', () => {
    const text = flowsText();
    expect(text).toContain('processor.purchase-order-to-inbound');
    expect(text).toContain('connectors/ongoing/goods-receipts.ts');
    expect(text).toMatch(/^7 +returns & credit notes +both +not built yet .*multicase\.return-order\.changed/m);
  });

  it('is the table in the README', () => {
    const readme = readFileSync(`${root}/README.md`, 'utf8');
    expect(readme).toContain(flowsMarkdown());
  });
});
