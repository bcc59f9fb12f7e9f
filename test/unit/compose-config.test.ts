// docker-compose.yml and kestra/*.yml give the flows what they read: secrets, envs, the plugin, open webhooks.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GatewayEnvSchema } from '../../src/gateway/config.js';

const ROOT = join(import.meta.dirname, '../..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
const compose = parse(read('docker-compose.yml')) as {
  services: Record<string, Record<string, unknown>>;
  volumes: Record<string, unknown>;
};
const local = parse(read('kestra/application.yml')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const prod = parse(read('kestra/application-postgres.yml')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every secret('X') and envs.x the flows use. */
function flowNeeds(): { secrets: Set<string>; envs: Set<string> } {
  const secrets = new Set<string>();
  const envs = new Set<string>();
  for (const f of readdirSync(join(ROOT, 'flows'))) {
    const text = read(`flows/${f}`);
    for (const m of text.matchAll(/secret\('([A-Z0-9_]+)'\)/g)) secrets.add(m[1]!);
    for (const m of text.matchAll(/envs\.([a-z0-9_]+)/g)) envs.add(m[1]!);
  }
  return { secrets, envs };
}

describe('kestra/application*.yml', () => {
  it.each([
    ['application.yml', local],
    ['application-postgres.yml', prod],
  ])(
    '%s: basic auth from the environment, both webhook prefixes open, no outbound reports, CORS on',
    (_name, cfg) => {
      const auth = cfg.kestra.server['basic-auth'];
      expect(auth.username).toBe('${KESTRA_USER}');
      expect(auth.password).toBe('${KESTRA_PASSWORD}');
      expect(auth['open-urls']).toEqual(
        expect.arrayContaining(['/ping', '/api/v1/main/executions/webhook/', '/api/v1/executions/webhook/']),
      );
      expect(cfg.kestra['tutorial-flows'].enabled).toBe(false);
      expect(cfg.kestra['anonymous-usage-report'].enabled).toBe(false);
      expect(cfg.kestra['ui-anonymous-usage-report'].enabled).toBe(false);
      expect(cfg.kestra.tasks['tmp-dir'].path).toBeTruthy();
      expect(cfg.kestra.variables['env-vars-prefix']).toBe('ENV_');
      expect(cfg.micronaut.server.cors.enabled).toBe(true);
    },
  );

  it('production runs on PostgreSQL for both repository and queue', () => {
    expect(prod.kestra.repository.type).toBe('postgres');
    expect(prod.kestra.queue.type).toBe('postgres');
    expect(prod.datasources.postgres.url).toMatch(/^jdbc:postgresql:\/\//);
    expect(prod.datasources.postgres.password).toBe('${POSTGRES_PASSWORD}');
  });

  it('the local config names every secret the flows use (documentation of SECRET_*)', () => {
    const text = read('kestra/application.yml');
    for (const s of flowNeeds().secrets) expect(text).toContain(`SECRET_${s}`);
  });
});

describe('docker-compose.yml', () => {
  const kestra = compose.services.kestra!;
  const env = kestra.environment as Record<string, string>;

  it('runs PostgreSQL, Kestra and the clone API', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['clone-api', 'kestra', 'postgres']);
    expect(compose.services.postgres!.image).toMatch(/^postgres:\d+/);
    expect(compose.services['clone-api']!.command).toEqual(['node', 'dist/railclone.mjs', 'gateway']);
  });

  it('builds Kestra from the worker recipe with pinned Kestra 1.3 and Node plugin versions', () => {
    const build = kestra.build as { dockerfile: string; args: Record<string, string> };
    expect(build.dockerfile).toBe('docker/worker.Dockerfile');
    expect(build.args.KESTRA_VERSION).toMatch(/^1\.3\.\d+$/);
    expect(build.args.PLUGIN_NODE_VERSION).toMatch(/^1\.9\.\d+$/);
    const recipe = read('docker/worker.Dockerfile');
    expect(recipe).toMatch(
      /plugins install "io\.kestra\.plugin:plugin-script-node:\$\{PLUGIN_NODE_VERSION\}"/,
    );
    expect(recipe).toMatch(/node:20/);
    expect(recipe).toMatch(/postgresql-client/);
    expect(recipe).toMatch(/mariadb-client/);
    expect(kestra.command).toMatch(/server standalone .*--config \/etc\/kestra\/application\.yml/);
    expect(kestra.volumes).toContain('./kestra/application-postgres.yml:/etc/kestra/application.yml:ro');
  });

  it('gives Kestra every secret and env the flows read', () => {
    const { secrets, envs } = flowNeeds();
    expect(secrets).toEqual(
      new Set(['RAILWAY_API_TOKEN', 'WEBHOOK_KEY', 'RAILCLONE_OUTPUT_KEY', 'KESTRA_USER', 'KESTRA_PASSWORD']),
    );
    for (const s of secrets) expect(Object.keys(env), s).toContain(`SECRET_${s}`);
    for (const e of envs) expect(Object.keys(env), e).toContain(`ENV_${e.toUpperCase()}`);
    expect(env.KESTRA_USER).toMatch(/^\$\{KESTRA_USER:\?/);
    expect(env.POSTGRES_PASSWORD).toBe(
      compose.services.postgres!.environment &&
        (compose.services.postgres!.environment as Record<string, string>).POSTGRES_PASSWORD,
    );
  });

  it('points the clone API at Kestra inside the network with the same credentials and webhook key', () => {
    const api = compose.services['clone-api']!.environment as Record<string, string>;
    expect(api.KESTRA_URL).toBe('http://kestra:8080');
    expect(api.KESTRA_USER).toBe(env.KESTRA_USER);
    expect(api.KESTRA_PASSWORD).toBe(env.KESTRA_PASSWORD);
    expect(api.KESTRA_WEBHOOK_KEY).toMatch(/^\$\{WEBHOOK_KEY:\?/);
    // The same key as the Kestra secret: override values leave the clone API encrypted with it.
    expect(api.RAILCLONE_OUTPUT_KEY).toMatch(/^\$\{RAILCLONE_OUTPUT_KEY:\?/);
    // Every setting the clone API is given is one the gateway reads (a typo would be silently ignored).
    const known = new Set([
      ...Object.keys(GatewayEnvSchema.shape),
      'RAILWAY_API_TOKEN',
      'RAILCLONE_PROJECT_ID',
      'RAILCLONE_OUTPUT_KEY',
    ]);
    for (const name of Object.keys(api)) expect(known.has(name), name).toBe(true);
    expect(api.RAILCLONE_GATEWAY_DATABASE_URL).toMatch(/@postgres:5432\//);
    expect(
      (compose.services['clone-api']!.depends_on as Record<string, { condition: string }>).kestra!.condition,
    ).toBe('service_healthy');
  });

  it('never puts a literal secret in the file', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [k, v] of Object.entries((service.environment as Record<string, string>) ?? {})) {
        if (/PASSWORD|TOKEN|KEY|SECRET/.test(k))
          expect(v, `${name}.${k}`).toMatch(/^\$\{[A-Z0-9_]+(:\?[^}]*)?\}$/);
      }
    }
  });
});
