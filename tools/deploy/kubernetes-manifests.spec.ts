// Holds deploy/kubernetes to the Kubernetes API schemas (kubernetes-models) and to what the
// deployment promises: replicas, probes, resources, disruption budgets, spreading, a restricted
// security context, settings the services really read, and every key production requires, given
// only to the services that need it. No cluster is involved: a wrong field or setting fails here
// rather than at `kubectl apply` or at a pod's start.
import { resolveAuthSettings } from '@ordo/auth';
import { loadConfig, type Settings } from '@ordo/config';
import { patientKeysFromEnv } from '@ordo/contracts';
import { databaseSettings } from '@ordo/database';
import { messagingSettings } from '@ordo/messaging';
import { generateSigningKey } from '@ordo/rx-id';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, PersistentVolumeClaim, Secret, Service } from 'kubernetes-models/v1';
import type { IContainer, IEnvVar, IPodSpec } from 'kubernetes-models/v1';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { dispensingSettings } from '../../apps/dispensing/src/dispensing.settings';
import { fraudSettings } from '../../apps/fraud/src/fraud.settings';
import { opsConfig, opsSettings } from '../../apps/ops/src/ops.config';
import { loadQrKeyRing } from '../../apps/prescribing/src/keys/qr-keys.provider';
import { prescribingSettings } from '../../apps/prescribing/src/prescribing.settings';
import { toolSettings } from '../local/tool-settings';

const ROOT = resolve(__dirname, '..', '..', 'deploy', 'kubernetes');
const NAMESPACE = 'ordo';
const PLACEHOLDER = 'REPLACE-ME';

const SERVICES = ['prescribing', 'dispensing', 'fraud', 'ops'] as const;
type ServiceName = (typeof SERVICES)[number];

const SETTINGS: Record<ServiceName, Settings> = {
  prescribing: prescribingSettings,
  dispensing: dispensingSettings,
  fraud: fraudSettings,
  ops: opsSettings,
};

/** What `ordo setup` and `ordo medicines import` read: the tools' settings, a service's database, Kafka. */
const JOB_SETTINGS: Settings = { ...toolSettings, ...databaseSettings('prescribing'), ...messagingSettings('setup') };

const EVERY_SERVICE = [
  'NODE_ENV',
  'HTTP_HOST',
  'HTTP_PORT',
  'DATABASE_URL',
  'KAFKA_BROKERS',
  'KAFKA_REPLICATION_FACTOR',
  'KAFKA_TOPIC_PARTITIONS',
  'AUTH_JWKS_URL',
  'AUTH_ISSUER',
  'AUTH_AUDIENCE',
];
const PATIENT_KEYS = ['PATIENT_BLOCK_KEYS', 'PATIENT_BLOCK_ACTIVE_KID', 'PATIENT_PSEUDONYM_KEY'];

/**
 * What each service must be given in production (docs/security.md, "Production requirements"),
 * plus what only has a loopback default: dispensing's QR_KEYS_URL and ops' OPS_SERVICE_URLS.
 */
const REQUIRED: Record<ServiceName, string[]> = {
  prescribing: [...EVERY_SERVICE, ...PATIENT_KEYS, 'QR_SIGNING_KEYS', 'QR_ACTIVE_KID'],
  dispensing: [...EVERY_SERVICE, ...PATIENT_KEYS, 'QR_KEYS_URL'],
  fraud: EVERY_SERVICE,
  ops: [...EVERY_SERVICE, 'OPS_SERVICE_URLS'],
};

/** Least privilege: the Secrets each workload is given, and no others. */
const SECRETS_GIVEN: Record<string, string[]> = {
  prescribing: ['ordo-prescribing', 'ordo-auth', 'ordo-patient-keys', 'ordo-qr-signing-keys'],
  dispensing: ['ordo-dispensing', 'ordo-auth', 'ordo-patient-keys'],
  fraud: ['ordo-fraud', 'ordo-auth'],
  ops: ['ordo-ops', 'ordo-auth'],
  'ordo-setup': ['ordo-setup'],
  'ordo-medicines-import': ['ordo-setup'],
};

interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

interface Manifest {
  /** Path under deploy/kubernetes. */
  file: string;
  object: KubernetesObject;
}

interface Kustomization {
  file: string;
  resources: string[];
  images: { name: string; newTag?: string; newName?: string }[];
}

type ModelClass = (new (data: never) => { validate(): void; toJSON(): unknown }) & { prototype: { validate(): void } };

const MODELS: Record<string, ModelClass> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/Ingress': Ingress,
};

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

// YAML 1.1, as kubectl reads it: `on`, `yes`, `off` would be booleans there, not text.
function loadDocuments(): { manifests: Manifest[]; kustomizations: Kustomization[] } {
  const manifests: Manifest[] = [];
  const kustomizations: Kustomization[] = [];
  for (const path of yamlFiles(ROOT)) {
    const file = relative(ROOT, path);
    for (const document of parseAllDocuments(readFileSync(path, 'utf8'), { version: '1.1' })) {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map((error) => error.message).join('; ')}`);
      const object = document.toJS() as KubernetesObject | null;
      if (object === null) continue;
      if (object.kind === 'Kustomization') {
        kustomizations.push({
          file,
          resources: (object.resources as string[]) ?? [],
          images: (object.images as Kustomization['images']) ?? [],
        });
      } else manifests.push({ file, object });
    }
  }
  return { manifests, kustomizations };
}

const { manifests, kustomizations } = loadDocuments();

function objectsOf<T>(kind: string): (Manifest & { object: KubernetesObject & T })[] {
  return manifests.filter((manifest) => manifest.object.kind === kind) as (Manifest & { object: KubernetesObject & T })[];
}

function theOne<T>(kind: string, name: string): KubernetesObject & T {
  const found = objectsOf<T>(kind).filter(({ object }) => object.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0].object;
}

type DeploymentObject = KubernetesObject & {
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    strategy?: { rollingUpdate?: { maxUnavailable?: number | string } };
    template: { metadata: { labels: Record<string, string> }; spec: IPodSpec };
  };
};
type JobObject = KubernetesObject & {
  spec: { backoffLimit?: number; ttlSecondsAfterFinished?: number; template: { spec: IPodSpec } };
};
type ServiceObject = KubernetesObject & {
  spec: { selector: Record<string, string>; ports: { port: number; targetPort: string | number }[] };
};
type PdbObject = KubernetesObject & {
  spec: { minAvailable?: number | string; maxUnavailable?: number | string; selector: { matchLabels: Record<string, string> } };
};
type ConfigMapObject = KubernetesObject & { data: Record<string, string> };
type SecretObject = KubernetesObject & { data?: Record<string, string>; stringData?: Record<string, string> };

const deployment = (service: ServiceName) => theOne<DeploymentObject>('Deployment', service);
const containerOf = (spec: IPodSpec): IContainer => {
  if (spec.containers.length !== 1) throw new Error(`expected one container, found ${spec.containers.length}`);
  return spec.containers[0];
};

/**
 * The fields of `object` that `Model`'s schema never looks at. The schemas accept unknown fields
 * (as the API server does without strict validation, dropping them), so a misspelt
 * `readinesProbe` would pass `validate()`: the validator reads every field it knows, and this
 * lists what it did not read. Maps (labels, data, resources) are read whole, by their keys.
 */
function unknownFields(Model: ModelClass, object: unknown): string[] {
  const unread = new Set<string>();
  const track = (value: unknown, path: string): unknown => {
    if (Array.isArray(value)) return value.map((item, index) => track(item, `${path}[${index}]`));
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    const copy = Object.fromEntries(keys.map((key) => [key, track((value as Record<string, unknown>)[key], `${path}.${key}`)]));
    for (const key of keys) unread.add(`${path}.${key}`);
    return new Proxy(copy, {
      get(target, key, receiver) {
        if (typeof key === 'string') unread.delete(`${path}.${key}`);
        return Reflect.get(target, key, receiver);
      },
      ownKeys(target) {
        for (const key of keys) unread.delete(`${path}.${key}`);
        return Reflect.ownKeys(target);
      },
    });
  };
  Model.prototype.validate.call(track(object, ''));
  return [...unread];
}

/** A CPU or memory quantity in cores or bytes, for the suffixes these manifests use. */
function quantity(value: string | number | undefined): number {
  const match = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi)?$/.exec(String(value));
  if (!match) throw new Error(`unreadable quantity ${value}`);
  const scale: Record<string, number> = { m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 };
  return Number(match[1]) * (match[2] ? scale[match[2]] : 1);
}

/** The env var's value source: `configMap/<name>/<key>`, `secret/<name>/<key>` or `value`. */
function sourceOf(variable: IEnvVar): { from: 'configMap' | 'secret' | 'value'; name?: string; key?: string } {
  if (variable.value !== undefined) return { from: 'value' };
  const configMap = variable.valueFrom?.configMapKeyRef;
  if (configMap) return { from: 'configMap', name: configMap.name, key: configMap.key };
  const secret = variable.valueFrom?.secretKeyRef;
  if (secret) return { from: 'secret', name: secret.name, key: secret.key };
  throw new Error(`${variable.name} has no value this test can follow`);
}

/** Where a reference points, or undefined when no ConfigMap or Secret here holds that key. */
function templateValue(from: 'configMap' | 'secret', name: string, key: string): string | undefined {
  if (from === 'configMap')
    return objectsOf<ConfigMapObject>('ConfigMap').find(({ object }) => object.metadata.name === name)?.object.data[key];
  return objectsOf<SecretObject>('Secret').find(({ object }) => object.metadata.name === name)?.object.stringData?.[key];
}

/**
 * A real value in the shape each Secret key takes, for what the template leaves as REPLACE-ME:
 * the deployment must start once the Secrets are filled as their comments say.
 */
function filledSecret(key: string, secret: string): string {
  const template = (name: string) => templateValue('secret', secret, name) ?? '';
  switch (key) {
    case 'DATABASE_URL':
      return 'postgres://ordo:secret@ordo-postgres-rw.postgres.svc:5432/postgres';
    case 'AUTH_JWKS_URL':
      return 'https://idp.example.org/realms/ordo/protocol/openid-connect/certs';
    case 'PATIENT_BLOCK_KEYS':
      return JSON.stringify({ [template('PATIENT_BLOCK_ACTIVE_KID')]: randomBytes(32).toString('base64') });
    case 'PATIENT_PSEUDONYM_KEY':
      return randomBytes(32).toString('base64');
    case 'QR_SIGNING_KEYS':
      return JSON.stringify([generateSigningKey(template('QR_ACTIVE_KID'))]);
    default:
      return template(key);
  }
}

/** The environment a container gets once the Secrets are filled; `unfilled` keeps one placeholder. */
function environmentOf(container: IContainer, unfilled?: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const variable of container.env ?? []) {
    const source = sourceOf(variable);
    if (source.from === 'value') env[variable.name] = variable.value!;
    else if (source.from === 'configMap') env[variable.name] = templateValue('configMap', source.name!, source.key!)!;
    else env[variable.name] = variable.name === unfilled ? PLACEHOLDER : filledSecret(source.key!, source.name!);
  }
  return env;
}

/**
 * What the service checks before it serves, as its modules do: every setting, the token keys (the
 * identity provider's, not a development key), then its own keys. Throws what the service would.
 */
function startInProduction(service: ServiceName, env: Record<string, string>): void {
  const verifiesWithIdentityProvider = (config: Parameters<typeof resolveAuthSettings>[1]) => {
    const { keySource } = resolveAuthSettings({}, config);
    if (keySource.kind !== 'jwks') throw new Error(`${service} verifies tokens with ${keySource.kind}`);
  };
  switch (service) {
    case 'prescribing': {
      const config = loadConfig(prescribingSettings, env);
      verifiesWithIdentityProvider(config);
      patientKeysFromEnv(config);
      loadQrKeyRing(config);
      return;
    }
    case 'dispensing': {
      const config = loadConfig(dispensingSettings, env);
      verifiesWithIdentityProvider(config);
      patientKeysFromEnv(config);
      return;
    }
    case 'fraud':
      verifiesWithIdentityProvider(loadConfig(fraudSettings, env));
      return;
    case 'ops': {
      const config = loadConfig(opsSettings, env);
      verifiesWithIdentityProvider(config);
      opsConfig(config);
      return;
    }
  }
}

const podSpecs = (): { name: string; spec: IPodSpec }[] => [
  ...objectsOf<DeploymentObject>('Deployment').map(({ object }) => ({ name: object.metadata.name, spec: object.spec.template.spec })),
  ...objectsOf<JobObject>('Job').map(({ object }) => ({ name: object.metadata.name, spec: object.spec.template.spec })),
];

describe('deploy/kubernetes', () => {
  it('holds only Kubernetes objects their API schema accepts, with no field the schema does not know', () => {
    expect(manifests.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const { file, object } of manifests) {
      const where = `${file}: ${object.kind} ${object.metadata?.name}`;
      const Model = MODELS[`${object.apiVersion}/${object.kind}`];
      if (!Model) {
        problems.push(`${where}: no model for ${object.apiVersion} ${object.kind}`);
        continue;
      }
      try {
        new Model(object as never).validate();
      } catch (error) {
        problems.push(`${where}: ${(error as Error).message}`);
        continue;
      }
      problems.push(...unknownFields(Model, object).map((field) => `${where}: unknown field ${field}`));
    }
    expect(problems).toEqual([]);
  });

  it('puts everything in the ordo namespace, which enforces the restricted Pod Security Standard', () => {
    const namespace = theOne<KubernetesObject>('Namespace', NAMESPACE);
    expect(namespace.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const elsewhere = manifests.filter(({ object }) => object.kind !== 'Namespace' && object.metadata.namespace !== NAMESPACE);
    expect(elsewhere.map(({ file, object }) => `${file}: ${object.kind} ${object.metadata.name}`)).toEqual([]);
  });

  it('applies every file through exactly one kustomization, except the Secret templates and the examples', () => {
    const applied = kustomizations.flatMap(({ file, resources }) => resources.map((resource) => join(dirname(file), resource)));
    const files = [...new Set(manifests.map(({ file }) => file))];
    expect(applied.filter((file) => !files.includes(file))).toEqual([]);
    expect(new Set(applied).size).toBe(applied.length);
    const byHand = files.filter((file) => !applied.includes(file)).sort();
    expect(byHand).toEqual(['examples/ingress.yaml', 'secrets.template.yaml']);
    // Applying a kustomization must never put placeholders over the real Secrets.
    const appliedSecrets = manifests.filter(({ file, object }) => object.kind === 'Secret' && applied.includes(file));
    expect(appliedSecrets).toEqual([]);
  });

  it('runs one image, the one each kustomization sets', () => {
    const images = new Set(podSpecs().map(({ spec }) => containerOf(spec).image!.replace(/:[^:/]+$/, '')));
    expect(images.size).toBe(1);
    for (const { file, images: set } of kustomizations) {
      expect({ file, names: set.map((image) => image.name) }).toEqual({ file, names: [...images] });
    }
  });

  it('makes topics replicated three times, with a partition for each replica of any service', () => {
    const config = theOne<ConfigMapObject>('ConfigMap', 'ordo-config').data;
    expect(config.KAFKA_REPLICATION_FACTOR).toBe('3');
    const mostReplicas = Math.max(...SERVICES.map((service) => deployment(service).spec.replicas));
    expect(Number(config.KAFKA_TOPIC_PARTITIONS)).toBeGreaterThanOrEqual(mostReplicas);
  });

  it("points dispensing's QR keys and ops' readiness view at this deployment's Services", () => {
    const config = theOne<ConfigMapObject>('ConfigMap', 'ordo-config').data;
    const serviceAt = (url: string) => {
      const { hostname, port } = new URL(url);
      const service = theOne<ServiceObject>('Service', hostname.split('.')[0]);
      expect(hostname).toMatch(new RegExp(`^${service.metadata.name}(\\.${NAMESPACE}(\\.svc(\\.cluster\\.local)?)?)?$`));
      expect(service.spec.ports.map((p) => String(p.port))).toContain(port);
      return service.metadata.name;
    };
    expect(serviceAt(config.QR_KEYS_URL)).toBe('prescribing');
    const watched = config.OPS_SERVICE_URLS.split(',').map((entry) => {
      const [name, url] = entry.split('=');
      expect(serviceAt(url)).toBe(name);
      return name;
    });
    expect(watched).toEqual(['prescribing', 'dispensing', 'fraud']);
  });

  it('gives every pod a restricted security context: non-root, read-only root, writable only where an emptyDir is mounted', () => {
    for (const { name, spec } of podSpecs()) {
      const container = containerOf(spec);
      expect({ name, pod: spec.securityContext }).toMatchObject({
        name,
        pod: { runAsNonRoot: true, runAsUser: expect.any(Number), seccompProfile: { type: 'RuntimeDefault' } },
      });
      expect(spec.securityContext!.runAsUser).toBeGreaterThan(0);
      expect({ name, container: container.securityContext }).toEqual({
        name,
        container: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      });
      // Service links would set OPS_SERVICE_HOST, KAFKA_PORT…: names the services and tools read.
      expect({ name, enableServiceLinks: spec.enableServiceLinks, token: spec.automountServiceAccountToken }).toEqual({
        name,
        enableServiceLinks: false,
        token: false,
      });
      for (const mount of container.volumeMounts ?? []) {
        const volume = spec.volumes?.find((v) => v.name === mount.name);
        expect({ name, mount: mount.mountPath, writable: volume?.emptyDir !== undefined || mount.readOnly === true }).toEqual({
          name,
          mount: mount.mountPath,
          writable: true,
        });
      }
      expect(container.envFrom).toBeUndefined();
    }
  });

  it('gives each workload only the Secrets its service needs', () => {
    for (const { name, spec } of podSpecs()) {
      const secrets = new Set(
        (containerOf(spec).env ?? [])
          .map(sourceOf)
          .filter((source) => source.from === 'secret')
          .map((source) => source.name),
      );
      expect({ name, secrets: [...secrets].sort() }).toEqual({ name, secrets: [...(SECRETS_GIVEN[name] ?? [])].sort() });
      expect(spec.volumes?.filter((volume) => volume.secret) ?? []).toEqual([]);
    }
  });

  it('keeps the Secret templates free of values: every one is REPLACE-ME but key ids', () => {
    for (const { object } of objectsOf<SecretObject>('Secret')) {
      expect(object.data).toBeUndefined();
      for (const [key, value] of Object.entries(object.stringData ?? {})) {
        if (key.endsWith('_KID')) expect(value).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
        else expect({ key, value }).toEqual({ key, value: PLACEHOLDER });
      }
    }
  });
});

describe.each(SERVICES)('the %s Deployment', (service) => {
  const { spec } = deployment(service);
  const pod = spec.template.spec;
  const container = containerOf(pod);
  const labels = spec.template.metadata.labels;
  const httpPort = () => {
    const port = container.ports?.find((p) => p.name === 'http');
    if (!port) throw new Error(`${service} names no http port`);
    return port.containerPort;
  };

  it('runs at least two replicas and never fewer during a rolling update', () => {
    expect(spec.replicas).toBeGreaterThanOrEqual(2);
    expect(spec.strategy?.rollingUpdate?.maxUnavailable).toBe(0);
  });

  it("runs the service's entry point from the image", () => {
    expect(container.command).toEqual(['node', '--enable-source-maps', `dist/apps/${service}/src/main.js`]);
  });

  it('listens where its probes look: readiness on /health/ready, liveness on /health/live', () => {
    const env = environmentOf(container);
    expect(Number(env.HTTP_PORT)).toBe(httpPort());
    for (const [probe, path] of [
      [container.readinessProbe, '/health/ready'],
      [container.livenessProbe, '/health/live'],
      [container.startupProbe, '/health/live'],
    ] as const) {
      expect(probe?.httpGet).toMatchObject({ path });
      expect([httpPort(), 'http']).toContain(probe?.httpGet?.port);
    }
  });

  it('asks for CPU and memory and is held to limits above them', () => {
    const { requests, limits } = container.resources ?? {};
    for (const resource of ['cpu', 'memory']) {
      expect(quantity(requests?.[resource])).toBeGreaterThan(0);
      expect(quantity(limits?.[resource])).toBeGreaterThanOrEqual(quantity(requests?.[resource]));
    }
  });

  it('spreads its replicas across zones, and across hosts where it can', () => {
    const constraints = pod.topologySpreadConstraints ?? [];
    const zone = constraints.find((c) => c.topologyKey === 'topology.kubernetes.io/zone');
    const host = constraints.find((c) => c.topologyKey === 'kubernetes.io/hostname');
    expect(zone).toMatchObject({ maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: labels } });
    expect(host).toMatchObject({ maxSkew: 1, labelSelector: { matchLabels: labels } });
  });

  it("has a PodDisruptionBudget that keeps one replica, selecting this Deployment's pods and no others", () => {
    const budgets = objectsOf<PdbObject>('PodDisruptionBudget').filter(({ object }) => selects(object.spec.selector.matchLabels, labels));
    expect(budgets.map(({ object }) => object.spec.minAvailable)).toEqual([1]);
    const selector = budgets[0].object.spec.selector.matchLabels;
    expect(spec.selector.matchLabels).toEqual(selector);
    const others = SERVICES.filter((other) => other !== service && selects(selector, deployment(other).spec.template.metadata.labels));
    expect(others).toEqual([]);
  });

  it('has a Service that sends its port to the container', () => {
    const { spec: serviceSpec } = theOne<ServiceObject>('Service', service);
    expect(selects(serviceSpec.selector, labels)).toBe(true);
    expect(serviceSpec.ports.map((p) => [p.port, p.targetPort === 'http' ? httpPort() : p.targetPort])).toEqual([[httpPort(), httpPort()]]);
  });

  it('sets only settings the service reads, each from a ConfigMap or Secret key that exists', () => {
    const names = (container.env ?? []).map((variable) => variable.name);
    expect(names.filter((name) => !(name in SETTINGS[service]))).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
    const dangling = (container.env ?? []).filter((variable) => {
      const source = sourceOf(variable);
      return source.from !== 'value' && templateValue(source.from, source.name!, source.key!) === undefined;
    });
    expect(dangling.map((variable) => variable.name)).toEqual([]);
  });

  it('is given every setting production requires of it, production among them', () => {
    const env = environmentOf(container);
    expect(REQUIRED[service].filter((name) => env[name] === undefined)).toEqual([]);
    expect(env).toMatchObject({ NODE_ENV: 'production', HTTP_HOST: '0.0.0.0' });
    expect(Object.keys(env).filter((name) => name.endsWith('_DEV_KEY_FILE'))).toEqual([]);
  });

  it('starts in production once the Secrets are filled, verifying tokens with the identity provider', () => {
    expect(() => startInProduction(service, environmentOf(container))).not.toThrow();
  });

  it('refuses to start on any placeholder left in a Secret', () => {
    const placeholders = (container.env ?? []).filter((variable) => {
      const source = sourceOf(variable);
      return source.from === 'secret' && templateValue('secret', source.name!, source.key!) === PLACEHOLDER;
    });
    expect(placeholders.length).toBeGreaterThan(0);
    for (const { name } of placeholders) {
      expect({ name, starts: starts(() => startInProduction(service, environmentOf(container, name))) }).toEqual({ name, starts: false });
    }
  });
});

describe('the Jobs', () => {
  const job = (name: string) => theOne<JobObject>('Job', name);

  it('ordo-setup runs migrations and creates the topics, with retries and a time to live', () => {
    const { spec } = job('ordo-setup');
    expect(containerOf(spec.template.spec).command).toEqual(['node', '--enable-source-maps', 'dist/tools/ordo.js', 'setup']);
    expect(spec.backoffLimit).toBeGreaterThan(0);
    expect(spec.ttlSecondsAfterFinished).toBeGreaterThan(0);
    expect(Object.keys(environmentOf(containerOf(spec.template.spec))).sort()).toEqual(
      ['DATABASE_URL', 'KAFKA_BROKERS', 'KAFKA_REPLICATION_FACTOR', 'KAFKA_TOPIC_PARTITIONS'].sort(),
    );
  });

  it('ordo-medicines-import imports the full BDPM from a read-only volume at /bdpm, with retries and a time to live', () => {
    const { spec } = job('ordo-medicines-import');
    const container = containerOf(spec.template.spec);
    expect(container.command).toEqual(['node', '--enable-source-maps', 'dist/tools/ordo.js', 'medicines', 'import', '/bdpm']);
    const mount = container.volumeMounts?.find((m) => m.mountPath === '/bdpm');
    expect(mount?.readOnly).toBe(true);
    const volume = spec.template.spec.volumes?.find((v) => v.name === mount?.name);
    expect(theOne<KubernetesObject>('PersistentVolumeClaim', volume!.persistentVolumeClaim!.claimName)).toBeDefined();
    expect(spec.backoffLimit).toBeGreaterThan(0);
    expect(spec.ttlSecondsAfterFinished).toBeGreaterThan(0);
  });

  it('set only settings the tools read, and pass their checks once the Secrets are filled', () => {
    for (const { object } of objectsOf<JobObject>('Job')) {
      const container = containerOf(object.spec.template.spec);
      const names = (container.env ?? []).map((variable) => variable.name);
      expect(names.filter((name) => !(name in JOB_SETTINGS))).toEqual([]);
      expect(() => loadConfig(JOB_SETTINGS, environmentOf(container))).not.toThrow();
      expect(() => loadConfig(JOB_SETTINGS, environmentOf(container, 'DATABASE_URL'))).toThrow(/DATABASE_URL/);
    }
  });
});

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

function starts(start: () => void): boolean {
  try {
    start();
    return true;
  } catch {
    return false;
  }
}
