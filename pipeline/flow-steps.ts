/**
 * The builders of the flow table's steps (flows.ts): a Multicase table source, an Ongoing source,
 * a mapping, a write to Ongoing or to Multicase, and reporting back, each with where it lives.
 */
import type { ChangeEvent } from '../schemas/envelopes.js';
import type { TopicSpec } from '../schemas/topic.js';
import type { SourceConnector } from '../runtime/source.js';
import { tableSource, type TableReader } from '../connectors/multicase/table-source.js';
import type { ProcessorSpec } from '../processors/processor.js';
import { runMulticaseSink, type MulticaseCommandHandler } from '../sinks/multicase/sink.js';
import { runOngoingSink, type OngoingWriteHandler } from '../sinks/ongoing/writer.js';
import type { FlowContext, MappingStep, ReportBackStep, SinkStep, SourceStep } from './flows.js';
import type { PipelineConfig } from './settings.js';

export const multicaseTable = (
  reader: TableReader,
  where: string,
  intervalMs: (cfg: PipelineConfig) => number,
  listen = false,
): SourceStep => ({
  role: 'source-multicase',
  name: reader.source,
  output: reader.topic,
  where,
  connector: (ctx) =>
    tableSource(reader, ctx.multicaseDb(), {
      intervalMs: intervalMs(ctx.cfg),
      batchSize: ctx.cfg.batchSize,
      horizonLagWarnMs: ctx.cfg.horizonLagWarnMs,
      log: ctx.rt.log,
      ...(listen ? { listen: true } : {}),
    }) as SourceConnector<unknown>,
});

// Each spec is typed by its own event; the table holds them side by side.
export const ongoingSource = (
  name: string,
  output: TopicSpec<unknown>,
  where: string,
  connector: (ctx: FlowContext) => SourceConnector<unknown>,
): SourceStep => ({
  role: 'source-ongoing',
  name,
  output,
  where,
  connector,
});

export const mapping = <I extends ChangeEvent<unknown>>(spec: ProcessorSpec<I>, where: string): MappingStep => ({
  role: 'processors',
  spec: spec as unknown as ProcessorSpec,
  where,
});

export const ongoingWrite = <P>(handler: OngoingWriteHandler<P>, effect: string, where: string): SinkStep => ({
  role: 'sink-ongoing',
  name: handler.name,
  input: handler.input,
  effect,
  where,
  start: async (ctx) =>
    runOngoingSink(
      ctx.rt,
      {
        api: ctx.ongoing,
        idMap: await ctx.idMap(),
        skipUnchanged: ctx.cfg.skipUnchanged,
        purchaseOrderClosedStatus: ctx.cfg.purchaseOrderClosedStatus,
      },
      handler,
    ),
});

export const reportBack = <P>(
  source: string,
  handler: OngoingWriteHandler<P>,
  call: string,
  where: string,
): ReportBackStep => ({
  source,
  topic: handler.input,
  call,
  sink: ongoingWrite(handler, `${call} (reporting back)`, where),
});

export const multicaseWrite = <P>(handler: MulticaseCommandHandler<P>, effect: string, where: string): SinkStep => ({
  role: 'sink-multicase',
  name: handler.name,
  input: handler.input,
  effect,
  where,
  start: async (ctx) => runMulticaseSink(ctx.rt, ctx.multicaseDb(), handler),
});
