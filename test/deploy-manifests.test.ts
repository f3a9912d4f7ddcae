/**
 * The Kubernetes manifests (infra/deploy/k8s: a kustomize base, a dev and a production overlay),
 * rendered by `kubectl kustomize` and checked as a platform team would read them: valid against the
 * Kubernetes API schemas (kubernetes-models), one Deployment per role plus the console and the setup
 * Job; every pod non-root with a numeric user, RuntimeDefault seccomp, no service-account token, a
 * read-only root, no capabilities, resources; /livez for startup and liveness and /readyz for
 * readiness; a PodDisruptionBudget and a spread over nodes for every Deployment; NetworkPolicies
 * that deny by default and open only what each role uses; each role only the credentials it uses
 * (pipeline/roles.ts, from the flow table); every variable a declared setting and valid.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../pipeline/flows.js';
import { documentedSettings } from '../pipeline/ops/config.js';
import { systemsOf } from '../pipeline/roles.js';
import { declaredSettings, loadConfig } from '../runtime/config.js';
import {
  podsOf,
  secretKeysOf,
  variablesOf,
  type Manifest,
  type PodTemplate,
  type Workload,
} from './support/manifests.js';

const k8s = fileURLToPath(new URL('../infra/deploy/k8s/', import.meta.url));
const OVERLAYS = ['dev', 'production'] as const;

const models: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
};

const kubectl = !spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).error;

function render(dir: string): Manifest[] {
  const run = spawnSync('kubectl', ['kustomize', path.join(k8s, dir)], { encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${run.stderr}`);
  return parseAllDocuments(run.stdout)
    .map((d) => d.toJS() as Manifest)
    .filter(Boolean);
}

function validationErrors(m: Manifest): string | null {
  const Model = models[`${m.apiVersion}/${m.kind}`];
  if (!Model) return `${m.kind} ${m.metadata?.name}: no schema for ${m.apiVersion}/${m.kind}`;
  // kustomize wraps long base64 values over lines, which the API server's decoder skips and the schema's does not.
  const data = m.kind === 'Secret' ? (m.data as Record<string, string> | undefined) : undefined;
  const unwrapped = data
    ? { ...m, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.replace(/\s+/g, '')])) }
    : m;
  try {
    new Model(unwrapped as never).validate();
    return null;
  } catch (err) {
    return `${m.kind} ${m.metadata.name}: ${(err as Error).message}`;
  }
}

/** The role (or console, setup) a workload runs, from its container's arguments. */
function runs(w: Workload): string {
  const args = podsOf(w).spec.containers[0]!.args ?? [];
  return args[0] === 'dist/pipeline/main.js' ? args[1]! : `ops ${args[1]}`;
}

/** What a workload talks to: a role's systems from the flow table; the console reads both; setup neither. */
function systemsOfWorkload(runsWhat: string, reconcile: boolean): { multicase: boolean; ongoing: boolean } {
  if (runsWhat === 'ops console') return { multicase: true, ongoing: true };
  if (runsWhat === 'ops setup') return { multicase: false, ongoing: false };
  return systemsOf(runsWhat as Role, { reconcile });
}

const labelsMatch = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Does a NetworkPolicy's podSelector select pods with these labels? */
function selects(np: Manifest, labels: Record<string, string>): boolean {
  const sel = (
    np.spec as {
      podSelector: {
        matchLabels?: Record<string, string>;
        matchExpressions?: Array<{ key: string; operator: string; values: string[] }>;
      };
    }
  ).podSelector;
  return (
    labelsMatch(sel.matchLabels ?? {}, labels) &&
    (sel.matchExpressions ?? []).every((e) => e.operator === 'In' && e.values.includes(labels[e.key] ?? ''))
  );
}

type Rule = { ports?: Array<{ port: number | string }> };
const portsOf = (rules: Rule[] | undefined) => (rules ?? []).flatMap((r) => (r.ports ?? []).map((p) => Number(p.port)));

describe.skipIf(!kubectl)('the Kubernetes manifests, as kustomize renders them', () => {
  const rendered = Object.fromEntries(OVERLAYS.map((o) => [o, render(`overlays/${o}`)])) as Record<
    (typeof OVERLAYS)[number],
    Manifest[]
  >;
  const all = Object.entries(rendered);
  const workloads = (docs: Manifest[]) =>
    docs.filter((d): d is Workload => d.kind === 'Deployment' || d.kind === 'Job');
  const configOf = (docs: Manifest[]) => docs.find((d) => d.kind === 'ConfigMap')!.data as Record<string, string>;

  it('the base lists every file of its folder, as a resource or a patch', () => {
    const base = parseYaml(readFileSync(path.join(k8s, 'base/kustomization.yaml'), 'utf8')) as {
      resources: string[];
      patches: Array<{ path: string }>;
    };
    const files = readdirSync(path.join(k8s, 'base')).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...base.resources, ...base.patches.map((p) => p.path)].sort()).toEqual(files.sort());
    expect(render('base').length).toBeGreaterThan(0);
  });

  it('render both overlays into objects valid against the Kubernetes API schemas', () => {
    for (const [overlay, docs] of all) {
      expect(docs.map(validationErrors).filter(Boolean), overlay).toEqual([]);
      expect(
        docs.filter((d) => d.kind === 'Namespace'),
        overlay,
      ).toHaveLength(1);
      for (const w of workloads(docs))
        expect(podsOf(w).spec.containers[0]!.image, `${overlay} ${w.metadata.name}`).toMatch(
          /^registry\.example\.internal\/multicase-ongoing-pipeline:/,
        );
    }
    // The validator does refuse what the API server would.
    const broken = structuredClone(rendered.production.find((d) => d.kind === 'Deployment')!) as Manifest & {
      spec: { replicas: unknown };
    };
    broken.spec.replicas = 'two';
    expect(validationErrors(broken)).toContain('replicas must be integer');
  });

  it('run one Deployment per role and the console, and ops setup as a Job; the roles never set up topics', () => {
    for (const [overlay, docs] of all) {
      const deployments = docs.filter((d) => d.kind === 'Deployment') as Workload[];
      expect(deployments.map(runs).sort(), overlay).toEqual([...ROLES, 'ops console'].sort());
      expect((docs.filter((d) => d.kind === 'Job') as Workload[]).map(runs), overlay).toEqual(['ops setup']);
      expect(configOf(docs).PIPELINE_SETUP, overlay).toBe('false');
    }
    expect(configOf(rendered.production)).toMatchObject({
      KAFKA_TOPIC_REPLICATION_FACTOR: '3',
      KAFKA_TOPIC_MIN_INSYNC_REPLICAS: '2',
      MULTICASE_DATABASE_SSLMODE: 'verify-full',
    });
    expect(configOf(rendered.dev).KAFKA_TOPIC_REPLICATION_FACTOR).toBe('1');
  });

  it('run every pod non-root, without privileges, token or writable root, within resources', () => {
    for (const [overlay, docs] of all)
      for (const w of workloads(docs)) {
        const at = `${overlay} ${w.kind} ${w.metadata.name}`;
        const pod: PodTemplate['spec'] = podsOf(w).spec;
        expect(pod.automountServiceAccountToken, at).toBe(false);
        expect(pod.securityContext, at).toMatchObject({
          runAsNonRoot: true,
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(pod.securityContext?.runAsUser, at).toBeGreaterThanOrEqual(1000);
        for (const c of pod.containers) {
          expect(c.securityContext, at).toMatchObject({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          });
          expect(c.resources?.requests?.memory, at).toBeDefined();
          expect(c.resources?.limits?.memory, at).toBeDefined();
        }
      }
  });

  it('probe liveness on /livez and readiness on /readyz, after a startup probe', () => {
    for (const [overlay, docs] of all)
      for (const d of docs.filter((x) => x.kind === 'Deployment') as Workload[]) {
        const c = podsOf(d).spec.containers[0]!;
        const role = runs(d);
        const port = role === 'ops console' ? 'console' : 'metrics';
        const probe = (p: unknown) => (p as { httpGet?: { path: string; port: string } } | undefined)?.httpGet;
        const at = `${overlay} ${d.metadata.name}`;
        expect(probe(c.startupProbe), at).toEqual({ path: '/livez', port });
        expect(probe(c.livenessProbe), at).toEqual({ path: '/livez', port });
        expect(probe(c.readinessProbe), at).toEqual({ path: role === 'ops console' ? '/livez' : '/readyz', port });
      }
  });

  it('give every Deployment a PodDisruptionBudget and spread its copies over nodes', () => {
    for (const [overlay, docs] of all) {
      const pdbs = docs.filter((d) => d.kind === 'PodDisruptionBudget');
      for (const d of docs.filter((x) => x.kind === 'Deployment') as Workload[]) {
        const labels = podsOf(d).metadata.labels;
        const covering = pdbs.filter((p) =>
          labelsMatch((p.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels, labels),
        );
        expect(covering.length, `${overlay} ${d.metadata.name}`).toBe(1);
        const spread = podsOf(d).spec.topologySpreadConstraints ?? [];
        expect(
          spread.some(
            (s) => s.topologyKey === 'kubernetes.io/hostname' && labelsMatch(s.labelSelector.matchLabels, labels),
          ),
          `${overlay} ${d.metadata.name}`,
        ).toBe(true);
      }
    }
  });

  it('deny all traffic by default and open only what each role uses', () => {
    for (const [overlay, docs] of all) {
      const policies = docs.filter((d) => d.kind === 'NetworkPolicy');
      const reconcile = Number(configOf(docs).RECONCILE_INTERVAL_MS ?? 0) > 0;
      for (const w of workloads(docs)) {
        const labels = podsOf(w).metadata.labels;
        const on = policies.filter((p) => selects(p, labels));
        const at = `${overlay} ${w.metadata.name}`;
        expect(
          on.some((p) => {
            const s = p.spec as { policyTypes: string[]; ingress?: unknown; egress?: unknown };
            return s.policyTypes.includes('Ingress') && s.policyTypes.includes('Egress') && !s.ingress && !s.egress;
          }),
          `${at}: a default deny`,
        ).toBe(true);
        const egress = new Set(on.flatMap((p) => portsOf((p.spec as { egress?: Rule[] }).egress)));
        const ingress = new Set(on.flatMap((p) => portsOf((p.spec as { ingress?: Rule[] }).ingress)));
        const role = runs(w);
        const uses = systemsOfWorkload(role, reconcile);
        expect(egress.has(5432), `${at}: PostgreSQL`).toBe(uses.multicase);
        expect(egress.has(9092), `${at}: Kafka`).toBe(true);
        expect([...ingress].sort(), `${at}: ingress`).toEqual(
          role === 'ops console' ? [8088] : role === 'ops setup' ? [] : [9464],
        );
        const ongoingPolicy = policies.find((p) => p.metadata.name === 'pipeline-ongoing-api')!;
        expect(selects(ongoingPolicy, labels), `${at}: Ongoing`).toBe(uses.ongoing);
      }
    }
  });

  it('give each role only the credentials it uses, and a Kafka principal of its own', () => {
    const docs = rendered.dev;
    const reconcile = Number(configOf(docs).RECONCILE_INTERVAL_MS ?? 0) > 0;
    const principals = new Map<string, string>();
    for (const w of workloads(docs)) {
      const keys = secretKeysOf(w, docs);
      const role = runs(w);
      const at = `${w.metadata.name}: ${[...keys.keys()].sort().join(', ')}`;
      const uses = systemsOfWorkload(role, reconcile);
      expect(keys.has('MULTICASE_DATABASE_URL'), at).toBe(uses.multicase);
      expect(keys.has('ONGOING_API_PASSWORD'), at).toBe(uses.ongoing);
      expect(keys.has('CONSOLE_TOKEN'), at).toBe(role === 'ops console');
      expect(keys.get('SCHEMA_REGISTRY_PASSWORD'), at).toMatch(
        role === 'ops setup' ? /^pipeline-registry-writer-/ : /^pipeline-registry-reader-/,
      );
      const kafka = keys.get('KAFKA_SASL_PASSWORD');
      expect(kafka, at).toBeDefined();
      expect(principals.get(kafka!), `${w.metadata.name} shares ${kafka}`).toBeUndefined();
      principals.set(kafka!, w.metadata.name);
    }
    // Production refers to the same Secrets by name (created by a secret manager, not rendered).
    const names = (ds: Manifest[], hashed: boolean) =>
      workloads(ds).map((w) => [
        w.metadata.name,
        podsOf(w).spec.containers[0]!.envFrom!.flatMap((f) =>
          // A generated Secret's name ends in "-" and a 10-character hash of its content.
          f.secretRef ? [hashed ? f.secretRef.name.slice(0, -11) : f.secretRef.name] : [],
        ),
      ]);
    expect(names(rendered.production, false)).toEqual(names(rendered.dev, true));
    expect(rendered.production.filter((d) => d.kind === 'Secret')).toEqual([]);
  });

  it('set only declared settings, valid, every required one, and secrets only from Secrets', () => {
    void documentedSettings;
    const declared = new Map(declaredSettings().map((s) => [s.name, s]));
    for (const [overlay, docs] of all)
      for (const w of workloads(docs)) {
        const at = `${overlay} ${w.metadata.name}`;
        const vars = variablesOf(w, docs);
        expect(
          [...vars.keys()].filter((n) => !declared.has(n)),
          `${at}: variables that are no setting`,
        ).toEqual([]);
        const required = [...declared.values()].filter((s) => s.defaultValue === undefined && !s.optional);
        expect(
          required.filter((s) => !vars.has(s.name)).map((s) => s.name),
          `${at}: required settings not set`,
        ).toEqual([]);
        const misplaced = [...vars].filter(
          ([n, v]) => v.from !== 'Secret' && declared.get(n)!.secretValue(v.value ?? ''),
        );
        expect(
          misplaced.map(([n]) => n),
          `${at}: secrets outside a Secret`,
        ).toEqual([]);
        // Every value parses as its setting expects (the Secrets' only where rendered).
        const env = Object.fromEntries(
          [...vars].filter(([, v]) => v.value !== undefined).map(([n, v]) => [n, v.value]),
        );
        expect(() => loadConfig(Object.fromEntries([...declared].filter(([n]) => n in env)), env), at).not.toThrow();
      }
  });
});
