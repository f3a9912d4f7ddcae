import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, setting } from '../runtime/config.js';
import { runtimeSettings } from '../runtime/runtime.js';
import { createLogger } from '../runtime/logger.js';
import { redactText, redactUrl } from '../runtime/redact.js';
import { multicaseDbSettings } from '../connectors/multicase/database.js';
import { isRetriable, PermanentError, RejectedError, TransientError, ValidationError } from '../runtime/errors.js';

describe('configuration', () => {
  it('names every missing or malformed variable and what it expected', () => {
    const spec = {
      url: setting.url('TEST_ONGOING_URL', { description: 'Ongoing base URL' }),
      rate: setting.int('TEST_RATE', { default: 5, min: 1, max: 10, description: 'writes per second' }),
      brokers: setting.hostPorts('TEST_BROKERS', { default: ['x:1'], description: 'brokers' }),
    };
    let err: unknown;
    try {
      loadConfig(spec, { TEST_RATE: '99', TEST_BROKERS: 'localhost' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toContain('TEST_ONGOING_URL is required: expected an absolute http(s) or postgres URL');
    expect(msg).toContain('TEST_RATE="99" is out of range: expected an integer from 1 to 10');
    expect(msg).toContain('TEST_BROKERS="localhost" has "localhost", which is not host:port');
  });

  it('applies defaults and parses values', () => {
    const cfg = loadConfig(runtimeSettings, { KAFKA_BROKERS: 'a:1, b:2', RETRY_PAUSE_AFTER_MS: '3000' });
    expect(cfg.brokers).toEqual(['a:1', 'b:2']);
    expect(cfg.pauseAfterMs).toBe(3000);
    expect(cfg.url).toBe('http://127.0.0.1:8081/apis/ccompat/v7');
  });

  it('reads an optional setting left unset or empty as undefined, and refuses the old "-" for none', () => {
    const spec = { prefix: setting.optional.string('TEST_OPTIONAL_PREFIX', { description: 'a prefix' }) };
    expect(loadConfig(spec, {}).prefix).toBeUndefined();
    expect(loadConfig(spec, { TEST_OPTIONAL_PREFIX: '' }).prefix).toBeUndefined();
    expect(loadConfig(spec, { TEST_OPTIONAL_PREFIX: 'staging.' }).prefix).toBe('staging.');
    expect(() => loadConfig(spec, { TEST_OPTIONAL_PREFIX: '-' })).toThrow(
      'TEST_OPTIONAL_PREFIX="-" is "-", which no longer means unset: leave it unset or empty',
    );
    expect(() => loadConfig(spec, { TEST_OPTIONAL_PREFIX: '  ' })).toThrow('TEST_OPTIONAL_PREFIX="  " is empty');
    expect(loadConfig(runtimeSettings, {}).namespace).toBeUndefined();
  });

  it('shows a malformed URL without its password, and counts a URL with userinfo as a secret value', () => {
    const spec = { url: setting.url('TEST_SECRET_URL', { description: 'x' }) };
    for (const raw of [
      'postgres://pipeline:pa/ss@db:5432/x',
      'postgres://pipeline:p@ss:w0rd@db:notaport/x',
      'pipeline:pa55@db/x',
    ])
      expect(() => loadConfig(spec, { TEST_SECRET_URL: raw }), raw).toThrow(
        expect.objectContaining({ message: expect.not.stringMatching(/pa\/ss|p@ss|w0rd|pa55/) }),
      );
    expect(() => loadConfig(spec, { TEST_SECRET_URL: 'postgres://pipeline:pa/ss@db:5432/x' })).toThrow(
      'TEST_SECRET_URL="postgres://pipeline:***@db:5432/x" is not a URL',
    );
    expect(spec.url.secretValue('https://registry.example/apis')).toBe(false);
    expect(spec.url.secretValue('https://user:pw@registry.example/apis')).toBe(true);
    expect(multicaseDbSettings.url.secret).toBe(true);
  });

  it('never shows a secret value in the error', () => {
    expect(() =>
      loadConfig(
        { p: setting.int('TEST_SECRET_INT', { secret: true, description: 'x' }) },
        { TEST_SECRET_INT: 'hunter2' },
      ),
    ).toThrow('TEST_SECRET_INT=<hidden> is not an integer');
  });
});

describe('start-up with a bad setting', () => {
  it('a pipeline process refuses to start and names the variable', () => {
    const pipelineJs = fileURLToPath(new URL('../dist/pipeline/main.js', import.meta.url));
    const run = spawnSync(process.execPath, [pipelineJs, 'processors'], {
      env: {
        ...process.env,
        ONGOING_API_PASSWORD: 'set',
        KAFKA_BROKERS: 'kafka-without-port',
        ONGOING_GOODS_OWNER_ID: 'abc',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('ONGOING_GOODS_OWNER_ID="abc" is not an integer');
    const again = spawnSync(process.execPath, [pipelineJs, 'processors'], {
      env: { ...process.env, ONGOING_API_PASSWORD: 'set', KAFKA_BROKERS: 'kafka-without-port' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(
      'KAFKA_BROKERS="kafka-without-port" has "kafka-without-port", which is not host:port',
    );
  });

  it('refuses to start without the Ongoing password: there is no silent default outside the local stack', () => {
    const pipelineJs = fileURLToPath(new URL('../dist/pipeline/main.js', import.meta.url));
    const { ONGOING_API_PASSWORD: _unset, ...env } = process.env;
    for (const role of ['sink-ongoing', 'source-ongoing']) {
      const run = spawnSync(process.execPath, [pipelineJs, role], { env, encoding: 'utf8', timeout: 30_000 });
      expect(run.status, role).toBe(1);
      expect(run.stderr, role).toContain('ONGOING_API_PASSWORD is required');
    }
    // sink-multicase calls Ongoing only for the scheduled stock check.
    const reconciling = spawnSync(process.execPath, [pipelineJs, 'sink-multicase'], {
      env: { ...env, RECONCILE_INTERVAL_MS: '60000' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(reconciling.status).toBe(1);
    expect(reconciling.stderr).toContain('ONGOING_API_PASSWORD is required');
  });

  it('a role that never calls Ongoing gets past the Ongoing password (it is not in its pod)', () => {
    const pipelineJs = fileURLToPath(new URL('../dist/pipeline/main.js', import.meta.url));
    const { ONGOING_API_PASSWORD: _unset, ...env } = process.env;
    // Stopped by the next setting it checks, which shows it got past the password.
    const run = spawnSync(process.execPath, [pipelineJs, 'processors'], {
      env: { ...env, MULTICASE_DATABASE_SSLMODE: 'sometimes' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).not.toContain('ONGOING_API_PASSWORD');
    expect(run.stderr).toContain('MULTICASE_DATABASE_SSLMODE="sometimes" is not one of the allowed values');
  });

  it('an unknown role is refused with the list of roles', () => {
    const pipelineJs = fileURLToPath(new URL('../dist/pipeline/main.js', import.meta.url));
    const run = spawnSync(process.execPath, [pipelineJs, 'sink-elsewhere'], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('unknown role sink-elsewhere');
  });
});

describe('logger', () => {
  it('masks secrets in fields and URLs', () => {
    const lines: string[] = [];
    const log = createLogger({}, (l) => lines.push(l));
    log.info('connecting', { password: 'hunter2', url: 'postgres://user:hunter2@db/x', nested: { apiToken: 't0k3n' } });
    expect(lines[0]).not.toContain('hunter2');
    expect(lines[0]).not.toContain('t0k3n');
    expect(lines[0]).toContain('postgres://user:***@db/x');
  });

  it('masks the password of a URL in the message too, whatever characters it holds', () => {
    const lines: string[] = [];
    const log = createLogger({}, (l) => lines.push(l));
    const passwords = ['pa/ss', 'p@ss', 'a:b/c@d', 'pa#ss', 'pa?ss', 'x%2Fy'];
    for (const pw of passwords) {
      log.warn(`could not connect to postgres://pipeline:${pw}@db.example:5432/multicase (retrying)`, {
        error: new Error(`connect https://api:${pw}@ongoing.example/x/api/v1 failed`),
        detail: `see postgres://pipeline:${pw}@db.example/multicase?sslmode=require`,
      });
    }
    expect(lines).toHaveLength(passwords.length);
    lines.forEach((line, i) => {
      expect(line, passwords[i]).not.toContain(passwords[i]);
      expect(line).toContain('db.example');
      expect(line).toContain('ongoing.example/x/api/v1');
    });
    expect(JSON.parse(lines[0]!).msg).toBe(
      'could not connect to postgres://pipeline:***@db.example:5432/multicase (retrying)',
    );
    // Nothing to mask: left as it is.
    expect(redactText('GET https://api.example/x?y=1 user@example.com')).toBe(
      'GET https://api.example/x?y=1 user@example.com',
    );
    expect(redactUrl('postgres://postgres@127.0.0.1:5432/multicase')).toBe(
      'postgres://postgres@127.0.0.1:5432/multicase',
    );
  });
});

describe('failure classes', () => {
  it('says whether a retry can help', () => {
    expect(isRetriable(new TransientError('503'))).toBe(true);
    expect(isRetriable(new RejectedError('400', 400))).toBe(false);
    expect(isRetriable(new ValidationError('po 1', 'lines[0].quantity', 'is negative'))).toBe(false);
    expect(isRetriable(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isRetriable({ retriable: true })).toBe(true);
    expect(isRetriable(new TypeError('x is undefined'))).toBe(false);
    expect(new ValidationError('po 1', 'lines[0].quantity', 'is negative')).toBeInstanceOf(PermanentError);
  });
});

describe('documentation', () => {
  it('the README holds the configuration table `ops config` prints from the declarations', async () => {
    const { readFileSync } = await import('node:fs');
    // The module graph of `npm run ops -- config`: every setting of the pipeline and the runtime.
    await import('../pipeline/ops/cli.js');
    await import('../pipeline/main.js');
    const { declaredSettings } = await import('../runtime/config.js');
    const { configMarkdown } = await import('../pipeline/ops/config.js');
    const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
    const declared = declaredSettings().filter((s) => !s.name.startsWith('TEST_'));
    const missing = declared.map((s) => s.name).filter((n) => !readme.includes(`\`${n}\``));
    expect(missing).toEqual([]);
    expect(readme).toContain(configMarkdown(declared));
  });
});
