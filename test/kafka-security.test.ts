/** Kafka TLS/SASL settings and plain-http warnings: pure checks, no broker. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OngoingApi } from '../connectors/ongoing/api/client.js';
import { ConfigError, loadConfig } from '../runtime/config.js';
import { isPlainHttpToRemoteHost, warnIfPlainHttpToRemoteHost } from '../runtime/http-security.js';
import { kafkaSecurity, kafkaSettings, type KafkaConfig } from '../runtime/kafka.js';
import { createLogger } from '../runtime/logger.js';

const PEM = (what: string) => Buffer.from(`-----BEGIN ${what}-----\nAAAA\n-----END ${what}-----\n`);
const files: Record<string, Buffer> = {
  '/etc/kafka/ca.pem': PEM('CERTIFICATE'),
  '/etc/kafka/client.pem': PEM('CERTIFICATE'),
  '/etc/kafka/client.key': PEM('ENCRYPTED PRIVATE KEY'),
  '/etc/kafka/not-pem.der': Buffer.from([0x30, 0x82, 0x01, 0x0a]),
};
const readFake = (path: string): Buffer => {
  const f = files[path];
  if (!f) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
  return f;
};

/** The configuration as loadConfig gives it from these variables (defaults for the rest). */
const cfgOf = (env: Record<string, string>): KafkaConfig => loadConfig(kafkaSettings, env);
const security = (env: Record<string, string>) => kafkaSecurity(cfgOf(env), readFake);
const problemsOf = (env: Record<string, string>): string[] => {
  try {
    security(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
};

describe('kafkaSecurity', () => {
  it('defaults to no TLS and no SASL', () => {
    expect(security({})).toEqual({ ssl: false });
  });

  it('KAFKA_SSL alone trusts the system CAs', () => {
    expect(security({ KAFKA_SSL: 'true' })).toEqual({ ssl: true });
  });

  it('passes the CA, the client certificate, its key and passphrase to kafkajs', () => {
    const s = security({
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem',
      KAFKA_SSL_CERT_FILE: '/etc/kafka/client.pem',
      KAFKA_SSL_KEY_FILE: '/etc/kafka/client.key',
      KAFKA_SSL_KEY_PASSWORD: 'k3y-pass',
    });
    expect(s.ssl).toEqual({
      ca: [files['/etc/kafka/ca.pem']],
      cert: files['/etc/kafka/client.pem'],
      key: files['/etc/kafka/client.key'],
      passphrase: 'k3y-pass',
    });
    expect(security({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem' }).ssl).toEqual({
      ca: [files['/etc/kafka/ca.pem']],
    });
  });

  it('refuses TLS files with KAFKA_SSL=false, naming the file variable', () => {
    expect(problemsOf({ KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem' })).toEqual([
      expect.stringContaining('KAFKA_SSL_CA_FILE is set but KAFKA_SSL is false'),
    ]);
    const both = problemsOf({
      KAFKA_SSL_CERT_FILE: '/etc/kafka/client.pem',
      KAFKA_SSL_KEY_FILE: '/etc/kafka/client.key',
    });
    expect(both).toEqual([
      expect.stringContaining('KAFKA_SSL_CERT_FILE is set but KAFKA_SSL is false'),
      expect.stringContaining('KAFKA_SSL_KEY_FILE is set but KAFKA_SSL is false'),
    ]);
  });

  it('refuses a certificate without its key and the reverse, naming both variables', () => {
    const noKey = problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: '/etc/kafka/client.pem' });
    expect(noKey).toEqual([expect.stringMatching(/KAFKA_SSL_CERT_FILE is set but KAFKA_SSL_KEY_FILE is not/)]);
    const noCert = problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_KEY_FILE: '/etc/kafka/client.key' });
    expect(noCert).toEqual([expect.stringMatching(/KAFKA_SSL_KEY_FILE is set but KAFKA_SSL_CERT_FILE is not/)]);
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_KEY_PASSWORD: 'x' })).toEqual([
      expect.stringContaining('KAFKA_SSL_KEY_PASSWORD is set but KAFKA_SSL_KEY_FILE is not'),
    ]);
  });

  it('names the variable and the path of a file it cannot read or that is not PEM', () => {
    const p = problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/etc/kafka/missing.pem' });
    expect(p).toEqual([expect.stringContaining('KAFKA_SSL_CA_FILE="/etc/kafka/missing.pem" cannot be read: ENOENT')]);
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/etc/kafka/not-pem.der' })).toEqual([
      expect.stringContaining('KAFKA_SSL_CA_FILE="/etc/kafka/not-pem.der" is not a PEM file'),
    ]);
  });

  it('reads real files by default, and a missing one is a ConfigError naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafka-tls-'));
    writeFileSync(join(dir, 'ca.pem'), PEM('CERTIFICATE'));
    expect(kafkaSecurity(cfgOf({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: join(dir, 'ca.pem') })).ssl).toEqual({
      ca: [PEM('CERTIFICATE')],
    });
    expect(() => kafkaSecurity(cfgOf({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: join(dir, 'nope.pem') }))).toThrow(
      `KAFKA_SSL_CA_FILE="${join(dir, 'nope.pem')}" cannot be read`,
    );
  });

  it('passes SASL credentials, and refuses a mechanism without user name or password', () => {
    expect(
      security({
        KAFKA_SSL: 'true',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'pipeline',
        KAFKA_SASL_PASSWORD: 'pw',
      }),
    ).toEqual({
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'pipeline', password: 'pw' },
    });
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-256' })).toEqual([
      expect.stringContaining(
        'KAFKA_SASL_MECHANISM=scram-sha-256 needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD, but KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are not set',
      ),
    ]);
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'pipeline' })).toEqual([
      expect.stringContaining('but KAFKA_SASL_PASSWORD is not set'),
    ]);
  });

  it('refuses SASL PLAIN without TLS unless KAFKA_SASL_PLAIN_WITHOUT_TLS allows it', () => {
    const plain = { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'pipeline', KAFKA_SASL_PASSWORD: 'pw' };
    expect(problemsOf(plain)).toEqual([
      expect.stringContaining(
        'KAFKA_SASL_MECHANISM=plain with KAFKA_SSL=false would send the SASL password in clear text',
      ),
    ]);
    expect(security({ ...plain, KAFKA_SASL_PLAIN_WITHOUT_TLS: 'true' })).toEqual({
      ssl: false,
      sasl: { mechanism: 'plain', username: 'pipeline', password: 'pw' },
    });
    expect(security({ ...plain, KAFKA_SSL: 'true' }).sasl).toEqual({
      mechanism: 'plain',
      username: 'pipeline',
      password: 'pw',
    });
    // SCRAM never sends the password itself.
    expect(security({ ...plain, KAFKA_SASL_MECHANISM: 'scram-sha-256' }).ssl).toBe(false);
  });

  it('reports every problem at once and never shows a secret', () => {
    const p = problemsOf({
      KAFKA_SSL_CA_FILE: '/etc/kafka/missing.pem',
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: 'hunter2',
      KAFKA_SSL_KEY_PASSWORD: 'k3y',
    });
    expect(p.length).toBe(4);
    expect(p.join('\n')).not.toMatch(/hunter2|k3y/);
  });
});

describe('isPlainHttpToRemoteHost', () => {
  it.each([
    ['http://registry.example:8081/apis/ccompat/v7', true],
    ['http://10.0.0.5:8090/demo/api/v1', true],
    ['http://128.0.0.1/', true],
    ['http://[2001:db8::1]:8080/', true],
    ['http://localhost.example.com/', true],
    ['HTTP://API.ONGOINGSYSTEMS.SE/wh/api/v1', true],
    ['https://api.ongoingsystems.se/wh/api/v1', false],
    ['https://10.0.0.5/', false],
    ['http://localhost:8090/demo/api/v1', false],
    ['http://LOCALHOST/', false],
    ['http://127.0.0.1:8081/apis/ccompat/v7', false],
    ['http://127.255.3.4/', false],
    ['http://127.1/', false],
    ['http://[::1]:8090/', false],
    ['http://[0:0:0:0:0:0:0:1]/', false],
    ['http://[::ffff:127.0.0.1]/', false],
    ['postgres://db.example/multicase', false],
    ['not a url', false],
  ])('%s → %s', (url, expected) => {
    expect(isPlainHttpToRemoteHost(url)).toBe(expected);
  });
});

describe('plain-http warning', () => {
  const recorder = () => {
    const warnings: Array<{ msg: string; fields?: object }> = [];
    return { warnings, log: { warn: (msg: string, fields?: object) => warnings.push({ msg, fields }) } };
  };

  it('OngoingApi warns once per process for a remote http base URL, never with the password', () => {
    const { warnings, log } = recorder();
    const opts = {
      baseUrl: 'http://ongoing.example.test/wh/api/v1',
      username: 'u',
      password: 'Pa55-never-logged',
      goodsOwnerId: 1,
      log,
    };
    new OngoingApi(opts);
    new OngoingApi({ ...opts, goodsOwnerId: 2 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toContain('clear text');
    expect(warnings[0]!.fields).toEqual({ url: 'http://ongoing.example.test' });
    expect(JSON.stringify(warnings)).not.toContain('Pa55');
  });

  it('OngoingApi stays quiet for https, the local simulator, or without a logger', () => {
    const { warnings, log } = recorder();
    new OngoingApi({
      baseUrl: 'https://api.ongoingsystems.se/wh/api/v1',
      username: 'u',
      password: 'p',
      goodsOwnerId: 1,
      log,
    });
    new OngoingApi({
      baseUrl: 'http://127.0.0.1:8090/demo/api/v1',
      username: 'u',
      password: 'p',
      goodsOwnerId: 1,
      log,
    });
    new OngoingApi({ baseUrl: 'http://quiet.example.test/wh/api/v1', username: 'u', password: 'p', goodsOwnerId: 1 });
    expect(warnings).toEqual([]);
    // Not having warned without a logger, it still warns once a logger is given.
    new OngoingApi({
      baseUrl: 'http://quiet.example.test/wh/api/v1',
      username: 'u',
      password: 'p',
      goodsOwnerId: 1,
      log,
    });
    expect(warnings).toHaveLength(1);
  });

  it('the runtime logger fits the client option, and each client warns for itself', () => {
    const lines: string[] = [];
    const log = createLogger({ process: 'test' }, (l) => lines.push(l));
    new OngoingApi({
      baseUrl: 'http://shared.example.test/api/v1',
      username: 'u',
      password: 'p',
      goodsOwnerId: 1,
      log,
    });
    expect(warnIfPlainHttpToRemoteHost('http://shared.example.test/apis/ccompat/v7', 'the schema registry', log)).toBe(
      true,
    );
    expect(warnIfPlainHttpToRemoteHost('http://shared.example.test/apis/ccompat/v7', 'the schema registry', log)).toBe(
      false,
    );
    expect(lines).toHaveLength(2);
  });
});
