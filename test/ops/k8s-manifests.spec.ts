import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { CART_EVENTS_PARTITIONS, CART_EVENTS_TOPIC, deadLetterTopicOf } from '@converge/contracts';
import { cartEnv } from '../../apps/cart/src/cart.config';
import { cartQueryEnv } from '../../apps/cart-query/src/cart-query.config';
import { studioEnv } from '../../apps/studio/src/studio.config';
import { REPO_ROOT } from './compose-file';
import { envVariablesOf } from './env-schema';
import { containersOf, type K8sObject, renderKustomization } from './kustomize';
import { schemaProblems } from './manifest-schemas';

const K8S = join(REPO_ROOT, 'infra', 'k8s');

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Container {
  name: string;
  image: string;
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: EnvVar[];
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
}
interface Acl {
  resource: { type: string; name: string; patternType?: string };
  operations: string[];
}

describe.each(['base', 'overlays/production'])('infra/k8s/%s', (directory) => {
  const objects = renderKustomization(join(K8S, directory));
  const all = (kind: string) => objects.filter((o) => o.kind === kind);
  const one = (kind: string, name: string): K8sObject => {
    const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (found === undefined) throw new Error(`no ${kind}/${name}`);
    return found;
  };
  // Free-form YAML: the tests read into it as the manifests spell it; schemaProblems checks the shapes.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const spec = (object: K8sObject) => object.spec as Record<string, any>;
  const containerOf = (deployment: string) => containersOf(one('Deployment', deployment))[0] as unknown as Container;
  const env = (deployment: string) =>
    Object.fromEntries((containerOf(deployment).env ?? []).map((variable) => [variable.name, variable]));
  const eventsTopic = () => all('KafkaTopic').find((t) => spec(t).topicName === CART_EVENTS_TOPIC)!;

  it('validates against the Kubernetes, Strimzi and CloudNativePG schemas', () => {
    expect(objects.length).toBeGreaterThan(15);
    expect(schemaProblems(objects)).toEqual([]);
  });

  it('runs Cart on two replicas or more', () => {
    expect(spec(one('Deployment', 'cart')).replicas).toBeGreaterThanOrEqual(2);
  });

  it('scales Cart-Query on CPU or lag, never past the events topic partitions, and leaves it the replica count', () => {
    const autoscaler = all('HorizontalPodAutoscaler').find((h) => spec(h).scaleTargetRef.name === 'cart-query')!;
    expect(spec(autoscaler).scaleTargetRef.kind).toBe('Deployment');
    expect(spec(autoscaler).minReplicas).toBeGreaterThanOrEqual(1);
    expect(spec(autoscaler).maxReplicas).toBeLessThanOrEqual(spec(eventsTopic()).partitions);
    expect(spec(autoscaler).metrics.length).toBeGreaterThan(0);
    expect(spec(one('Deployment', 'cart-query')).replicas).toBeUndefined();
  });

  it('gives the events topic more partitions than today, 3 replicas and min.insync.replicas 2, beside its dead-letter topic', () => {
    const topic = spec(eventsTopic());
    expect(topic.partitions).toBeGreaterThan(CART_EVENTS_PARTITIONS);
    expect(topic.replicas).toBe(3);
    expect(topic.config['min.insync.replicas']).toBe(2);
    const deadLetters = all('KafkaTopic').find((t) => spec(t).topicName === deadLetterTopicOf(CART_EVENTS_TOPIC));
    expect(deadLetters && spec(deadLetters)).toMatchObject({ replicas: 3, config: { 'min.insync.replicas': 2 } });
  });

  it("runs 3 Kafka brokers of infra/kafka/pom.xml's version, which the services reach by the bootstrap service", () => {
    const [kafka, ...others] = all('Kafka');
    expect(others).toEqual([]);
    const brokers = all('KafkaNodePool')
      .filter((pool) => pool.metadata.labels?.['strimzi.io/cluster'] === kafka!.metadata.name)
      .filter((pool) => spec(pool).roles.includes('broker'))
      .reduce((sum, pool) => sum + spec(pool).replicas, 0);
    expect(brokers).toBe(3);
    const pom = readFileSync(join(REPO_ROOT, 'infra', 'kafka', 'pom.xml'), 'utf8');
    expect(spec(kafka!).kafka.version).toBe(/<kafka\.version>([^<]+)</.exec(pom)?.[1]);
    const port = spec(kafka!).kafka.listeners[0].port;
    for (const deployment of ['cart', 'cart-query']) {
      expect(env(deployment).KAFKA_BROKERS?.value).toBe(`${kafka!.metadata.name}-kafka-bootstrap:${port}`);
    }
  });

  describe('Kafka users', () => {
    const aclsOf = (user: string): Acl[] => spec(one('KafkaUser', user)).authorization.acls;
    const allows = (user: string, type: string, name: string, operation: string) =>
      aclsOf(user).some(
        (acl) =>
          acl.resource.type === type &&
          (acl.resource.patternType === 'prefix' ? name.startsWith(acl.resource.name) : acl.resource.name === name) &&
          (acl.operations.includes(operation) || acl.operations.includes('All')),
      );
    const topic = CART_EVENTS_TOPIC;

    it('belong to the Kafka cluster, one per service', () => {
      const cluster = all('Kafka')[0]!.metadata.name;
      for (const user of all('KafkaUser')) expect(user.metadata.labels?.['strimzi.io/cluster']).toBe(cluster);
      expect(all('KafkaUser').map((user) => user.metadata.name)).toEqual(
        expect.arrayContaining(all('Deployment').map((d) => d.metadata.name)),
      );
    });

    it('let Cart produce to the events topic and nothing more', () => {
      expect(allows('cart', 'topic', topic, 'Write')).toBe(true);
      expect(allows('cart', 'topic', topic, 'Read')).toBe(false);
      expect(allows('cart', 'topic', deadLetterTopicOf(topic), 'Write')).toBe(false);
    });

    it('let Cart-Query consume the events topic with its group and produce to the dead-letter topic', () => {
      const group = env('cart-query').CART_QUERY_GROUP_ID?.value ?? 'cart-query';
      expect(allows('cart-query', 'topic', topic, 'Read')).toBe(true);
      expect(allows('cart-query', 'group', group, 'Read')).toBe(true);
      expect(allows('cart-query', 'topic', deadLetterTopicOf(topic), 'Write')).toBe(true);
      expect(allows('cart-query', 'topic', topic, 'Write')).toBe(false);
    });

    it('are the ones each Deployment connects as, with the mechanism of the Kafka listener and the password the User Operator writes', () => {
      const kafka = spec(all('Kafka')[0]!).kafka;
      for (const deployment of all('Deployment').map((d) => d.metadata.name)) {
        const vars = env(deployment);
        const port = Number(vars.KAFKA_BROKERS?.value?.split(':')[1]);
        const listener = kafka.listeners.find((l: { port: number }) => l.port === port);
        expect(vars.KAFKA_SASL_MECHANISM?.value).toBe(listener.authentication.type);
        expect(vars.KAFKA_SASL_USERNAME?.value).toBe(deployment);
        expect(spec(one('KafkaUser', deployment)).authentication.type).toBe(listener.authentication.type);
        expect(vars.KAFKA_SASL_PASSWORD?.valueFrom?.secretKeyRef).toEqual({ name: deployment, key: 'password' });
      }
    });

    it('grant what infra/kafka/access.txt grants on the local and docker-compose brokers, no more, no less', () => {
      const access = readFileSync(join(REPO_ROOT, 'infra', 'kafka', 'access.txt'), 'utf8');
      const local = [...access.matchAll(/^allow (\S+) (\S+) (\S+) (\S+) (\S+)$/gm)].flatMap(
        ([, user, type, pattern, name, operations]) =>
          operations
            .split(',')
            .map((operation) => `${user} ${type} ${pattern === 'prefixed' ? 'prefix' : pattern} ${name} ${operation}`),
      );
      const manifests = all('KafkaUser').flatMap((user) =>
        aclsOf(user.metadata.name).flatMap((acl) =>
          acl.operations.map(
            (operation) =>
              `${user.metadata.name} ${acl.resource.type} ${acl.resource.patternType ?? 'literal'} ${acl.resource.name} ${operation}`,
          ),
        ),
      );
      expect(manifests.sort()).toEqual(local.sort());
    });

    it("keep the studio out of Cart-Query's consumer group", () => {
      expect(allows('studio', 'group', 'cart-query', 'Read')).toBe(false);
    });
  });

  it('gives each service its own CloudNativePG cluster, read through the Secret the operator writes', () => {
    const urls = { cart: 'CART_DATABASE_URL', 'cart-query': 'CART_QUERY_DATABASE_URL' };
    const clusters = Object.entries(urls).map(([deployment, variable]) => {
      const ref = env(deployment)[variable]?.valueFrom?.secretKeyRef;
      expect(ref?.key).toBe('uri');
      const cluster = ref!.name.replace(/-app$/, '');
      expect(ref!.name).toBe(`${cluster}-app`);
      expect(spec(one('Cluster', cluster)).instances).toBeGreaterThanOrEqual(1);
      return cluster;
    });
    expect(new Set(clusters).size).toBe(clusters.length);
  });

  describe.each(['cart', 'cart-query', 'studio'])('the %s Deployment', (name) => {
    const deployment = () => one('Deployment', name);
    const podLabels = () => spec(deployment()).template.metadata.labels as Record<string, string>;
    const selects = (selector: Record<string, string>) =>
      Object.entries(selector).every(([key, value]) => podLabels()[key] === value);
    const portNumber = (port: string | number) =>
      typeof port === 'number' ? port : containerOf(name).ports?.find((p) => p.name === port)?.containerPort;

    it('probes /health/live and /health/ready on its own port', () => {
      const container = containerOf(name);
      const ports = (container.ports ?? []).map((p) => p.containerPort);
      expect(container.livenessProbe?.httpGet?.path).toBe('/health/live');
      expect(container.readinessProbe?.httpGet?.path).toBe('/health/ready');
      expect(ports).toContain(portNumber(container.livenessProbe!.httpGet!.port));
      expect(ports).toContain(portNumber(container.readinessProbe!.httpGet!.port));
    });

    it('has a PodDisruptionBudget that selects its pods and lets a node drain', () => {
      const budgets = all('PodDisruptionBudget').filter((b) => selects(spec(b).selector.matchLabels));
      expect(budgets).toHaveLength(1);
      const budget = spec(budgets[0]!);
      const replicas = spec(deployment()).replicas ?? 2;
      if (budget.minAvailable !== undefined) expect(budget.minAvailable).toBeLessThan(replicas);
      else expect(budget.maxUnavailable).toBeGreaterThanOrEqual(1);
    });

    it('is reached by a Service on a port the container listens on', () => {
      const service = one('Service', name);
      expect(selects(spec(service).selector)).toBe(true);
      for (const port of spec(service).ports) expect(portNumber(port.targetPort)).toBeDefined();
    });

    it('takes its secrets by reference, never as values', () => {
      for (const variable of containerOf(name).env ?? []) {
        if (/SECRET|PASSWORD|DATABASE_URL/.test(variable.name)) {
          expect({ [variable.name]: variable.valueFrom?.secretKeyRef }).toEqual({ [variable.name]: expect.anything() });
        }
      }
      expect(all('Secret')).toEqual([]);
    });
  });

  it('runs the studio on STUDIO_PORT, 3002 by default', () => {
    expect(env('studio').STUDIO_PORT?.value).toBe('3002');
    expect(containerOf('studio').ports?.map((p) => p.containerPort)).toEqual([3002]);
  });

  describe.each<[string, z.ZodTypeAny, string]>([
    ['cart', cartEnv, 'CART_PORT'],
    ['cart-query', cartQueryEnv, 'CART_QUERY_PORT'],
    ['studio', studioEnv, 'STUDIO_PORT'],
  ])('the %s environment', (name, schema, portVariable) => {
    const { known, required } = envVariablesOf(schema);

    it('sets every variable the service requires and none it does not know', () => {
      expect(required.filter((variable) => !(variable in env(name)))).toEqual([]);
      expect(Object.keys(env(name)).filter((variable) => !known.includes(variable))).toEqual([]);
    });

    it('listens on the port the container declares', () => {
      expect(containerOf(name).ports?.map((p) => String(p.containerPort))).toEqual([env(name)[portVariable]?.value]);
    });
  });
});

describe('infra/k8s/overlays/production', () => {
  const objects = renderKustomization(join(K8S, 'overlays', 'production'));

  it('puts every namespaced object in its namespace, and the images in its registry', () => {
    const namespace = objects.find((o) => o.kind === 'Namespace')!.metadata.name;
    expect(objects.filter((o) => o.kind !== 'Namespace' && o.metadata.namespace !== namespace)).toEqual([]);
    const images = objects.flatMap((o) => containersOf(o).map((c) => c.image));
    expect(images.length).toBe(3);
    for (const image of images) expect(image).toMatch(/^registry\.example\.com\/converge\/[a-z-]+:\d+\.\d+\.\d+$/);
  });
});
