/**
 * Dependencies point one way: pipeline → connectors / processors / sinks → runtime → schemas, and
 * nothing deployable imports the local tools (infra/local) or the tests. Every query the product
 * runs against Multicase sits in connectors/multicase (the adapter and the change capture).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { tables } from '../connectors/multicase/adapter/tables.js';
import { allTopics } from '../schemas/catalog.js';

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

/** Where code may talk to Multicase's database in SQL: the Multicase connector and the local stand-in ERP. */
const MAY_QUERY_MULTICASE = ['connectors/multicase/', 'infra/local/'];

/** SQL in a string: statements and clauses by their shape, so that prose ("update the map from …") does not count. */
const ID = `[\\w."?]+`; // an identifier, maybe qualified or quoted; ? stands for a template's ${…}
const SQL_SHAPES = [
  new RegExp(`\\bSELECT\\s+(\\*|DISTINCT\\b|${ID}\\s*(\\(|,|\\bAS\\b|\\bFROM\\b))`),
  new RegExp(
    `\\bselect\\b[^.;!]*\\bfrom\\s+${ID}\\s+(as\\s+\\w+\\s+)?(where|join|group\\s+by|order\\s+by|limit)\\b`,
    'i',
  ),
  new RegExp(`\\binsert\\s+into\\s+${ID}\\s*(\\(|values\\b|select\\b)`, 'i'),
  new RegExp(`\\bupdate\\s+${ID}\\s+set\\s+${ID}\\s*=`, 'i'),
  new RegExp(`\\bDELETE\\s+FROM\\s+${ID}`),
  new RegExp(`\\bdelete\\s+from\\s+${ID}\\s+where\\b`, 'i'),
  new RegExp(
    `\\b(create|alter|drop)\\s+(table|index|sequence|function|trigger|schema|view)\\s+(if\\s+(not\\s+)?exists\\s+)?${ID}`,
    'i',
  ),
  /\bset\s+local\b/i,
  /\w\)?::(text|int|integer|bigint|numeric|float8|date|timestamptz)\b/,
];

/**
 * A Multicase table named in a string. Topic names (multicase.stock.adjust) are taken out first;
 * multicase.products is also the name of the products source (`ops resnapshot --source …`), so it
 * counts only where SQL or a knex call names it.
 */
const TOPIC_NAMES = new RegExp(allTopics.map((t) => t.name.replace(/[.-]/g, '\\$&')).join('|'), 'g');
const TABLE_NAME = new RegExp(
  `\\bmulticase\\.(${Object.keys(tables)
    .filter((t) => t !== 'products')
    .join('|')})\\b(?!-)`,
);
const TABLE_IN_SQL = /\b(from|join|into|update|table)\s+multicase\.\w+|\bmulticase\.\w+\s*\(/i;
/** knex's table argument: .join('multicase.products as p', …), trx('multicase.products').where(…). */
const TABLE_ARGUMENT = new RegExp(`^multicase\\.(${Object.keys(tables).join('|')})(\\s+as\\s+\\w+)?$`);
const BUILDER_METHOD =
  /^(where\w*|(left|right|inner)?[jJ]oin|select|first|insert|update|increment|decrement|del|delete|pluck|count|sum|orderBy|groupBy|forUpdate|distinct|returning|onConflict|modify|clone)$/;
function isTableArgument(node: ts.Node, literal: string): boolean {
  const call = node.parent;
  if (!ts.isCallExpression(call) || call.arguments[0] !== node) return false;
  const match = TABLE_ARGUMENT.exec(literal);
  if (!match) return false;
  const chained = ts.isPropertyAccessExpression(call.parent) && BUILDER_METHOD.test(call.parent.name.text);
  return match[2] !== undefined || chained;
}

/** Query builder and driver calls: knex(…), knexFactory(…), .raw(…), .whereRaw(…) and the like. */
const isQueryCall = (call: ts.CallExpression): boolean => {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return /^knex(Factory)?$/.test(callee.text);
  return ts.isPropertyAccessExpression(callee) && /^(raw|\w+Raw)$/.test(callee.name.text);
};

const importsKnexValue = (node: ts.ImportDeclaration): boolean => {
  const clause = node.importClause;
  if ((node.moduleSpecifier as ts.StringLiteral).text !== 'knex' || clause === undefined || clause.isTypeOnly)
    return false;
  const bindings = clause.namedBindings;
  return (
    clause.name !== undefined ||
    (bindings !== undefined && (ts.isNamespaceImport(bindings) || bindings.elements.some((e) => !e.isTypeOnly)))
  );
};

interface Finding {
  line: number;
  what: 'imports knex' | 'calls knex' | 'SQL in a string' | 'names a Multicase table';
  detail: string;
}

/** What code says to Multicase's database in SQL or through knex, each with its line. */
function multicaseQueriesIn(file: string, text: string): Finding[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: Finding[] = [];
  const at = (node: ts.Node, what: Finding['what'], detail: string) =>
    found.push({ line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, what, detail });
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && importsKnexValue(node)) at(node, 'imports knex', node.getText(source));
    if (ts.isCallExpression(node) && isQueryCall(node)) at(node, 'calls knex', node.expression.getText(source));
    let literal: string | undefined;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) literal = node.text;
    if (ts.isTemplateExpression(node))
      literal = [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join('?');
    if (literal !== undefined) {
      const snippet = literal.slice(0, 100);
      if (SQL_SHAPES.some((shape) => shape.test(literal))) at(node, 'SQL in a string', snippet);
      else if (
        TABLE_NAME.test(literal.replace(TOPIC_NAMES, '')) ||
        TABLE_IN_SQL.test(literal) ||
        isTableArgument(node, literal)
      )
        at(node, 'names a Multicase table', snippet);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const multicaseQueries = (file: string): string[] =>
  multicaseQueriesIn(file, readFileSync(path.join(root, file), 'utf8')).map(
    (f) => `${file}:${f.line}: ${f.what}: ${f.detail}`,
  );

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

  it('runs every query against Multicase from connectors/multicase (or the local stand-in ERP)', () => {
    const files = ['schemas', 'runtime', 'processors', 'connectors', 'sinks', 'pipeline', 'infra']
      .flatMap(sourceFiles)
      .filter((f) => !MAY_QUERY_MULTICASE.some((folder) => f.startsWith(folder)));
    expect(files.length).toBeGreaterThan(0);
    expect(files.flatMap(multicaseQueries)).toEqual([]);
  });

  it('tells SQL and knex calls from prose', () => {
    const planted = [
      "import knex, { type Knex } from 'knex';",
      "const a = await trx('multicase.purchase_orders').where('id', 1).first();",
      "const b = await db.raw('SELECT nextval(?)', ['multicase.invoice_number_seq']);",
      "const c = trx('orders as o').whereRaw('o.number = ANY(?)', [numbers]);",
      'const d = `UPDATE ${schema}.stock SET quantity = 0`;',
      "const e = 'resolve by setting multicase.integration_exceptions.resolved_at';",
      "const f = 'select sum(quantity) as q from x where y = ?';",
      "const g = await trx('multicase.products').where({ id });",
      "const h = trx('multicase.products as p');",
    ].join('\n');
    expect(multicaseQueriesIn('plant.ts', planted).map((f) => `${f.line}: ${f.what}`)).toEqual([
      '1: imports knex',
      '2: names a Multicase table',
      '3: calls knex',
      '3: SQL in a string',
      '4: calls knex',
      '5: SQL in a string',
      '6: names a Multicase table',
      '7: SQL in a string',
      '8: names a Multicase table',
      '9: names a Multicase table',
    ]);
    const prose = [
      "import type { Knex } from 'knex';",
      '// update the stock, select what to send from the list, delete from the map',
      "const a = 'update the shipping-method map from the console, then select a way of delivery from Ongoing';",
      "const b = ['multicase.product.changed', 'multicase.stock.adjust', 'multicase.products', 'multicase.returns'];",
      "const c = 'create missing topics and register schemas when a pipeline process starts';",
      "const d = hash.update(payload).digest('hex');",
      "const f = sources.get('multicase.products');",
      "const e = 'select one from the list, insert into the form what you know; delete from the map what is stale';",
    ].join('\n');
    expect(multicaseQueriesIn('prose.ts', prose)).toEqual([]);
  });

  it('keeps the local tools off the sinks: the stand-in ERP shares code with the product through the adapter', () => {
    const wrong = sourceFiles('infra/local').flatMap((f) =>
      importedFolders(f)
        .filter((d) => d === 'sinks')
        .map((d) => `${f} → ${d}`),
    );
    expect(wrong).toEqual([]);
  });

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
