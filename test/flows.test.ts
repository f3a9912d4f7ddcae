/**
 * The flow table is the one list of flows: the composition root, the ops stage list, `ops flows`
 * and the README are derived from it, so these checks keep it honest.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allTopics } from '../schemas/catalog.js';
import { flows, flowStages, ROLES, sinkStagesOf } from '../pipeline/flows.js';
import { flowsMarkdown, flowsText } from '../pipeline/ops/flows.js';
import { pipelineStages, roleOfGroup } from '../pipeline/ops/stages.js';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('the flow table', () => {
  it('lists the eight flows in order', () => {
    expect(flows.map((f) => f.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const f of flows)
      expect(f.sources.length + f.mappings.length + f.sinks.length > 0 || f.builtInto, `flow ${f.number}`).toBeTruthy();
  });

  it('names files that exist for every step', () => {
    const steps = flows.flatMap((f) => [...f.sources, ...f.mappings, ...sinkStagesOf(f)]);
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) expect(existsSync(`${root}/${step.where}`), step.where).toBe(true);
  });

  it('chains each flow: its source feeds its first mapping; every mapping reads what a source writes and writes what a sink reads', () => {
    const steps = {
      sources: flows.flatMap((f) => f.sources),
      mappings: flows.flatMap((f) => f.mappings),
      sinks: flows.flatMap((f) => f.sinks),
    };
    for (const f of flows.filter((f) => f.sources.length > 0))
      expect(f.mappings[0]?.spec.input.name, `flow ${f.number}`).toBe(f.sources[0]?.output.name);
    for (const m of steps.mappings) {
      expect(
        steps.sources.map((s) => s.output.name),
        m.spec.name,
      ).toContain(m.spec.input.name);
      expect(
        steps.sinks.map((s) => s.input.name),
        m.spec.name,
      ).toContain(m.spec.output.name);
    }
  });

  it('uses every change and command topic of the catalog; each is written by one source or read by one sink', () => {
    const used = new Set(
      flows.flatMap((f) => [
        ...f.sources.map((s) => s.output.name),
        ...f.mappings.flatMap((m) => [m.spec.input.name, m.spec.output.name]),
        ...sinkStagesOf(f).map((s) => s.input.name),
        ...(f.builtInto ? [f.builtInto.reads.name] : []),
      ]),
    );
    const flowTopics = allTopics
      .filter((t) => t.kind !== 'state')
      .map((t) => t.name)
      .sort();
    expect([...used].filter((t) => !t.startsWith('state.')).sort()).toEqual(flowTopics);
    const sourceOutputs = flows.flatMap((f) => f.sources.map((s) => s.output.name));
    const sinkInputs = flows.flatMap((f) => sinkStagesOf(f).map((s) => s.input.name));
    expect(new Set(sourceOutputs).size).toBe(sourceOutputs.length);
    expect(new Set(sinkInputs).size).toBe(sinkInputs.length);
  });

  it('says how each Ongoing source reports back: its command topic, the Ongoing sink that applies it, and the call', () => {
    const reporting = flows.filter((f) => f.reportsBack);
    expect(reporting.map((f) => f.number)).toEqual([3, 6, 7, 8]);
    for (const f of reporting) {
      const report = f.reportsBack!;
      expect(
        f.sources.map((s) => `${s.role} ${s.name}`),
        `flow ${f.number}`,
      ).toContain(`source-ongoing ${report.source}`);
      expect(report.sink.role).toBe('sink-ongoing');
      expect(report.sink.input.name).toBe(report.topic.name);
      expect(report.topic.kind).toBe('command');
      expect(report.call).toMatch(/^PATCH /);
    }
    // Every Ongoing source reports back but the one that reads orders closed in the warehouse by
    // their status change time (nothing picked on them: Ongoing offers nothing to report), and
    // every Ongoing sink that acknowledges is a reporting-back step.
    const ongoingSources = flows.flatMap((f) => f.sources).filter((s) => s.role === 'source-ongoing');
    expect(ongoingSources.map((s) => s.name).sort()).toEqual(
      [...reporting.map((f) => f.reportsBack!.source), 'ongoing.order-closings'].sort(),
    );
    expect(flows.flatMap((f) => f.sinks).filter((s) => s.name.endsWith('-report'))).toEqual([]);
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

  it('prints each step with its file', () => {
    const text = flowsText();
    expect(text).toContain('processor.purchase-order-to-inbound');
    expect(text).toContain('connectors/ongoing/goods-receipts.ts');
    expect(text).toContain('sink.multicase.stock-adjustment');
    expect(text).toMatch(/^7 +returns & credit notes +both +source +multicase\.returns /m);
    expect(text).toContain('processor.return-receipt-to-booking');
    expect(text).toMatch(
      /^ +reports back +sink\.ongoing\.receipt-report +sinks\/ongoing\/receipt-report\.ts +ongoing\.goods-receipts → ongoing\.goods-receipt\.report → PATCH /m,
    );
  });

  it('is the table in the README', () => {
    const readme = readFileSync(`${root}/README.md`, 'utf8');
    expect(readme).toContain(flowsMarkdown());
  });
});
