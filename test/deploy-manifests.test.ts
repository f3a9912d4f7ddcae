/**
 * The Kubernetes manifests (infra/deploy/k8s): valid against the Kubernetes API schemas
 * (kubernetes-models: validators generated from Kubernetes' OpenAPI spec), one Deployment per
 * role with /healthz probes and resources, every variable they set a declared setting, and every
 * required setting set. Rendered with kustomize (`kubectl kustomize`) where kubectl is installed;
 * otherwise each resource file is the unit and the kustomization must list them all.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROLES } from '../pipeline/flows.js';
import { documentedSettings } from '../pipeline/ops/config.js';
import { declaredSettings } from '../runtime/config.js';

const dir = fileURLToPath(new URL('../infra/deploy/k8s/', import.meta.url));
type Manifest = { apiVersion: string; kind: string; metadata: { name: string }; [k: string]: unknown };

const models: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
};

const parse = (text: string, where: string): Manifest[] =>
  parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`${where}: ${d.errors.map((e) => e.message).join('; ')}`);
      return d.toJS() as Manifest;
    })
    .filter(Boolean);

const resourceFiles = () =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .sort();

/** The manifests as kustomize renders them, or (without kubectl) the resource files one by one. */
function manifests(): { rendered: boolean; docs: Manifest[] } {
  const run = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 30_000 });
  if (!run.error && run.status === 0) return { rendered: true, docs: parse(run.stdout, 'kubectl kustomize') };
  if (!run.error) throw new Error(`kubectl kustomize failed: ${run.stderr}`);
  return { rendered: false, docs: resourceFiles().flatMap((f) => parse(readFileSync(path.join(dir, f), 'utf8'), f)) };
}

function validationErrors(m: Manifest): string | null {
  const Model = models[`${m.apiVersion}/${m.kind}`];
  if (!Model) return `${m.kind} ${m.metadata?.name}: no schema for ${m.apiVersion}/${m.kind}`;
  try {
    new Model(m as never).validate();
    return null;
  } catch (err) {
    return `${m.kind} ${m.metadata.name}: ${(err as Error).message}`;
  }
}

type Container = {
  name: string;
  args?: string[];
  env?: { name: string }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe?: unknown;
  livenessProbe?: unknown;
  resources?: { requests?: unknown; limits?: unknown };
};
const containersOf = (d: Manifest) =>
  (d.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers;

describe('the Kubernetes manifests', () => {
  const { rendered, docs } = manifests();

  it('the kustomization lists every resource file', () => {
    const kustomization = parse(
      readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'),
      'kustomization.yaml',
    )[0] as unknown as { resources: string[] };
    expect([...kustomization.resources].sort()).toEqual(resourceFiles());
    if (!rendered)
      process.stdout.write('kubectl not found: checked each resource file instead of the kustomize rendering\n');
  });

  it('are valid against the Kubernetes API schemas', () => {
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.map(validationErrors).filter(Boolean)).toEqual([]);
    // The validator does refuse what the API server would.
    const broken = structuredClone(docs.find((d) => d.kind === 'Deployment')!) as Manifest & {
      spec: { replicas: unknown };
    };
    broken.spec.replicas = 'two';
    expect(validationErrors(broken)).toContain('replicas must be integer');
  });

  it('run one Deployment per role, with /healthz probes and resources', () => {
    const deployments = docs.filter((d) => d.kind === 'Deployment');
    const roles = deployments.map((d) => containersOf(d)[0]!.args?.[0]).sort();
    expect(roles).toEqual([...ROLES].sort());
    for (const d of deployments) {
      const c = containersOf(d)[0]!;
      expect(JSON.stringify(c.readinessProbe), d.metadata.name).toContain('/healthz');
      expect(JSON.stringify(c.livenessProbe), d.metadata.name).toContain('/healthz');
      expect(c.resources?.requests, d.metadata.name).toBeDefined();
      expect(c.resources?.limits, d.metadata.name).toBeDefined();
    }
  });

  it('set only declared settings, and every required one, from the ConfigMap and the Secret', () => {
    void documentedSettings;
    const declared = new Map(declaredSettings().map((s) => [s.name, s]));
    const byName = (kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata.name === name);
    for (const d of docs.filter((x) => x.kind === 'Deployment')) {
      const set = new Set<string>();
      const secretNames = new Set<string>();
      for (const c of containersOf(d)) {
        for (const e of c.env ?? []) set.add(e.name);
        for (const from of c.envFrom ?? []) {
          const ref = from.configMapRef
            ? byName('ConfigMap', from.configMapRef.name)
            : byName('Secret', from.secretRef!.name);
          expect(ref, `${d.metadata.name} refers to ${JSON.stringify(from)}`).toBeDefined();
          const keys = Object.keys((ref!.data ?? ref!.stringData ?? {}) as Record<string, string>);
          for (const k of keys) set.add(k);
          if (from.secretRef) for (const k of keys) secretNames.add(k);
        }
      }
      expect(
        [...set].filter((n) => !declared.has(n)),
        `${d.metadata.name}: variables that are no setting`,
      ).toEqual([]);
      const required = [...declared.values()]
        .filter((s) => s.defaultValue === undefined && !s.optional)
        .map((s) => s.name);
      expect(
        required.filter((n) => !set.has(n)),
        `${d.metadata.name}: required settings not set`,
      ).toEqual([]);
      // Secrets come from the Secret, never the ConfigMap.
      const secretsInConfigMap = [...set].filter((n) => declared.get(n)?.secret && !secretNames.has(n));
      expect(secretsInConfigMap, `${d.metadata.name}: secrets outside the Secret`).toEqual([]);
    }
  });
});
