/** Reading rendered Kubernetes manifests in tests: the pod template of a workload, its variables and Secrets. */

export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [k: string]: unknown;
};

export interface Container {
  name: string;
  image?: string;
  args?: string[];
  env?: Array<{ name: string; value?: string }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  startupProbe?: unknown;
  readinessProbe?: unknown;
  livenessProbe?: unknown;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
}

export interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: {
    automountServiceAccountToken?: boolean;
    securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
    topologySpreadConstraints?: Array<{ topologyKey: string; labelSelector: { matchLabels: Record<string, string> } }>;
    containers: Container[];
  };
}

export type Workload = Manifest & { spec: { template: PodTemplate } };

export const podsOf = (w: Workload): PodTemplate => w.spec.template;

const find = (docs: Manifest[], kind: string, name: string) =>
  docs.find((d) => d.kind === kind && d.metadata.name === name);

/** Each key the workload's Secrets give its containers, with the Secret's name. */
export function secretKeysOf(w: Workload, docs: Manifest[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of podsOf(w).spec.containers)
    for (const from of c.envFrom ?? []) {
      if (!from.secretRef) continue;
      const secret = find(docs, 'Secret', from.secretRef.name);
      if (!secret) throw new Error(`${w.metadata.name} refers to Secret ${from.secretRef.name}, which is not rendered`);
      for (const k of Object.keys((secret.data ?? secret.stringData ?? {}) as object)) out.set(k, from.secretRef.name);
    }
  return out;
}

/**
 * Every variable the workload's containers get, where from, and its value where the manifests hold
 * it (a Secret that is not rendered, as in production, gives names only when `docs` has it).
 */
export function variablesOf(
  w: Workload,
  docs: Manifest[],
): Map<string, { from: 'env' | 'ConfigMap' | 'Secret'; value: string | undefined }> {
  const out = new Map<string, { from: 'env' | 'ConfigMap' | 'Secret'; value: string | undefined }>();
  for (const c of podsOf(w).spec.containers) {
    for (const from of c.envFrom ?? []) {
      const kind = from.configMapRef ? 'ConfigMap' : 'Secret';
      const doc = find(docs, kind, (from.configMapRef ?? from.secretRef)!.name);
      if (!doc) continue;
      const data = (doc.data ?? doc.stringData ?? {}) as Record<string, string>;
      for (const [k, v] of Object.entries(data))
        out.set(k, {
          from: kind,
          value: kind === 'Secret' && doc.data ? Buffer.from(v, 'base64').toString('utf8') : v,
        });
    }
    for (const e of c.env ?? []) out.set(e.name, { from: 'env', value: e.value });
  }
  return out;
}
