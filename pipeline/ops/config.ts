/**
 * `ops config`: every declared setting as a Markdown table (the README's configuration section is
 * generated from it). Importing the pipeline's and the runtime's settings registers them first.
 */
import { declaredSettings, type Setting } from '../../runtime/config.js';
import { runtimeSettings } from '../../runtime/runtime.js';
import { pipelineSettings } from '../settings.js';

/** Referenced so the imports (and with them the declarations) are never elided. */
export const documentedSettings = { ...runtimeSettings, ...pipelineSettings };

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

function defaultOf(s: Setting<unknown>): string {
  if (s.optional) return '*unset*';
  if (s.defaultValue === undefined) return '*required*';
  const v = Array.isArray(s.defaultValue) ? s.defaultValue.join(',') : String(s.defaultValue);
  return `\`${cell(v)}\``;
}

export function configMarkdown(settings: Setting<unknown>[] = declaredSettings()): string {
  void documentedSettings;
  const rows = settings.map(
    (s) =>
      `| \`${s.name}\`${s.secret ? ' (secret)' : ''} | ${defaultOf(s)} | ${cell(s.description)} (${cell(s.expected)}) |`,
  );
  return ['| Variable | Default | Description |', '| --- | --- | --- |', ...rows].join('\n');
}
