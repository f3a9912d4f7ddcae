/**
 * `ops flows`: the flow table (`pipeline/flows.ts`) as people read it: for each flow, which file
 * reads the source system, which maps, which writes the target, how what was read is
 * acknowledged in Ongoing (reporting back), and the topics between. The README's flow table is
 * `flowsMarkdown()`; a test keeps the two equal.
 */
import { flows, type Flow } from '../flows.js';
import { textTable, type Cell } from './format.js';

/** The topics of the flow's main chain, source to sink (the reporting-back topic has its own column). */
const topicsOf = (flow: Flow): string[] => [
  ...new Set([
    ...flow.sources.map((s) => s.output.name),
    ...flow.mappings.flatMap((m) => [m.spec.input.name, m.spec.output.name]),
    ...flow.sinks.map((s) => s.input.name),
    ...(flow.builtInto ? [flow.builtInto.reads.name] : []),
  ]),
];

/** A cell left blank on purpose (textTable prints '-' for an empty one). */
const BLANK = ' ';

export function flowsText(table: readonly Flow[] = flows): string {
  const rows: Cell[][] = [];
  for (const f of table) {
    const head = [String(f.number), f.name, f.direction];
    if (f.builtInto) {
      rows.push([
        ...head,
        `in flow ${f.builtInto.flow}`,
        f.builtInto.editedWith,
        f.builtInto.where,
        `reads ${f.builtInto.reads.name}`,
      ]);
      continue;
    }
    const report = f.reportsBack;
    const steps: Cell[][] = [
      ...f.sources.map((s) => ['source', s.name, s.where, `→ ${s.output.name}`]),
      ...f.mappings.map((m) => ['mapping', m.spec.name, m.where, `${m.spec.input.name} → ${m.spec.output.name}`]),
      ...f.sinks.map((s) => ['sink', s.name, s.where, `${s.input.name} → ${s.effect}`]),
      ...(report
        ? [
            [
              'reports back',
              report.sink.name,
              report.sink.where,
              `${report.source} → ${report.topic.name} → ${report.call}`,
            ],
          ]
        : []),
    ];
    steps.forEach((step, i) => rows.push([...(i === 0 ? head : [BLANK, BLANK, BLANK]), ...step]));
  }
  return textTable(['#', 'flow', 'direction', 'step', 'name', 'file', 'topics'], rows);
}

const code = (s: string) => `\`${s}\``;

export function flowsMarkdown(table: readonly Flow[] = flows): string {
  const rows = table.map((f) => {
    const report = f.reportsBack
      ? `${code(f.reportsBack.topic.name)} → ${code(f.reportsBack.sink.where)} (${f.reportsBack.call})`
      : '';
    const cells = f.builtInto
      ? [`\`${f.builtInto.editedWith}\``, `in flow ${f.builtInto.flow}: ${code(f.builtInto.where)}`, '', '']
      : [
          f.sources.map((s) => code(s.where)).join('<br>'),
          f.mappings.map((m) => code(m.where)).join('<br>'),
          f.sinks.map((s) => `${code(s.where)} (${s.effect})`).join('<br>'),
          report,
        ];
    return `| ${f.number} | ${f.name} | ${f.direction} | ${cells.join(' | ')} | ${topicsOf(f).map(code).join(' → ')} |`;
  });
  return [
    '| # | flow | direction | source | mapping | sink | reports back | topics |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
