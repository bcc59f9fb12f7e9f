// A Node API (`web`, from a GitHub repo) on Railway's PostgreSQL template, with a seeded shop schema.
import type { PhysicalDatabase } from '../databases.js';
import type { Scenario, ScenarioService, SeedContext } from './types.js';
import { generated, LETTERS } from './secrets.js';
import { seedShop } from './postgres-app-seed.js';

/** Railway's PostgreSQL template service (its own generated password each call), for the scenarios built on it. */
export const postgresTemplateService = (): ScenarioService => ({
  name: 'Postgres',
  image: 'ghcr.io/railwayapp-templates/postgres-ssl:18',
  volumeMountPath: '/var/lib/postgresql/data',
  tcpProxyPort: 5432,
  // The template's variable set as of 2026-08 (FACTS §5, from the CLI's IaC compiler).
  variables: {
    POSTGRES_USER: 'postgres',
    POSTGRES_DB: 'railway',
    POSTGRES_PASSWORD: generated(32, LETTERS),
    PGUSER: '${{POSTGRES_USER}}',
    PGPASSWORD: '${{POSTGRES_PASSWORD}}',
    PGDATABASE: '${{POSTGRES_DB}}',
    PGHOST: '${{RAILWAY_PRIVATE_DOMAIN}}',
    PGPORT: '5432',
    PGDATA: '/var/lib/postgresql/data/pgdata',
    DATABASE_URL:
      'postgresql://${{PGUSER}}:${{POSTGRES_PASSWORD}}@${{RAILWAY_PRIVATE_DOMAIN}}:5432/${{PGDATABASE}}',
    DATABASE_PUBLIC_URL:
      'postgresql://${{PGUSER}}:${{POSTGRES_PASSWORD}}@${{RAILWAY_TCP_PROXY_DOMAIN}}:${{RAILWAY_TCP_PROXY_PORT}}/${{PGDATABASE}}',
    SSL_CERT_DAYS: '820',
    RAILWAY_DEPLOYMENT_DRAINING_SECONDS: '60',
  },
});

export const postgresAppScenario: Scenario = {
  name: 'postgres-app',
  projectName: 'shop-api',
  sharedVariables: {
    APP_ENV: 'production',
    LOG_LEVEL: 'info',
  },
  services: [
    postgresTemplateService(),
    {
      name: 'web',
      repo: 'acme/shop-api',
      serviceDomain: { targetPort: 8080 },
      deploy: { startCommand: 'npm run start', healthcheckPath: '/healthz', numReplicas: 2 },
      variables: {
        DATABASE_URL: '${{Postgres.DATABASE_URL}}',
        PUBLIC_URL: 'https://${{RAILWAY_PUBLIC_DOMAIN}}',
        NODE_ENV: 'production',
        PORT: '8080',
        APP_ENV: '${{shared.APP_ENV}}',
      },
      sealedVariables: {
        SESSION_SECRET: generated(48),
      },
    },
  ],
  async seedDatabase(service: string, db: PhysicalDatabase, ctx: SeedContext): Promise<void> {
    if (service !== 'Postgres') return;
    await seedShop(db, `https://${ctx.publicDomain('web')}`);
  },
};
