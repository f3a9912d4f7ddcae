/**
 * Dependencies point one way: pipeline → connectors / processors / sinks → runtime → schemas, and
 * nothing deployable imports the local tools (infra/local) or the tests.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    // infra/local/.run and .cache hold Kafka's data and downloads, changing while tests run.
    if (name.startsWith('.')) return [];
    const rel = path.posix.join(dir, name);
    if (statSync(path.join(root, rel)).isDirectory()) return sourceFiles(rel);
    return rel.endsWith('.ts') ? [rel] : [];
  });
}

/** The files a file imports, as paths from the repository root (relative imports only). */
function importedPaths(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  return [...text.matchAll(/from\s+'(\.{1,2}\/[^']+)'/g)].map((m) =>
    path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]!)),
  );
}

/** The top-level folders a file imports from (relative imports only). */
function importedFolders(file: string): string[] {
  return importedPaths(file).map((target) =>
    target.startsWith('infra/local/') ? 'infra/local' : target.split('/')[0]!,
  );
}

const allowed: Record<string, string[]> = {
  schemas: ['schemas'],
  runtime: ['runtime', 'schemas'],
  processors: ['processors', 'runtime', 'schemas'],
  connectors: ['connectors', 'runtime', 'schemas'],
  // A sink may use the client of the system it writes (connectors/ongoing/api, the Multicase database).
  sinks: ['sinks', 'connectors', 'runtime', 'schemas'],
  pipeline: ['pipeline', 'connectors', 'processors', 'sinks', 'runtime', 'schemas'],
};

describe('the layout', () => {
  for (const [folder, may] of Object.entries(allowed)) {
    it(`${folder}/ imports only from ${may.join(', ')}`, () => {
      const files = sourceFiles(folder);
      expect(files.length).toBeGreaterThan(0);
      const wrong = files.flatMap((f) =>
        importedFolders(f)
          .filter((d) => !may.includes(d))
          .map((d) => `${f} → ${d}`),
      );
      expect(wrong).toEqual([]);
    });
  }

  // The runtime is generic delivery: the topics it writes (held records, source positions) are given to it.
  it('runtime/ imports nothing from schemas/catalog (it knows no topic)', () => {
    const wrong = sourceFiles('runtime').filter((f) =>
      importedPaths(f).some((target) => target.startsWith('schemas/catalog')),
    );
    expect(wrong).toEqual([]);
  });

  it('keeps hand-written source files to about 400 formatted lines', () => {
    const folders = ['schemas', 'runtime', 'processors', 'connectors', 'sinks', 'pipeline', 'infra', 'test'];
    const long = folders
      .flatMap(sourceFiles)
      .filter((f) => !f.endsWith('.generated.ts'))
      .map((f) => ({ f, lines: readFileSync(path.join(root, f), 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > 400)
      .map(({ f, lines }) => `${f}: ${lines}`);
    expect(long).toEqual([]);
  });
});
