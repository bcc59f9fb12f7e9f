// Two web services on one PostgreSQL: a `frontend` and an `api`, each with its Railway domain and a
// custom domain, and rows that link to both (plus an e-mail and a CDN host on the same domain, which
// a clone must leave alone). The case a single "staging host" for the whole project gets wrong.
import pg from 'pg';
import { ValidationError } from '../../util/errors.js';
import type { PhysicalDatabase } from '../databases.js';
import type { Scenario, SeedContext } from './types.js';
import { postgresTemplateService } from './postgres-app.js';

export const FRONTEND_CUSTOM_DOMAIN = 'www.example-shop.com';
export const API_CUSTOM_DOMAIN = 'api.example-shop.com';

export const frontendApiScenario: Scenario = {
  name: 'frontend-api',
  projectName: 'shop-split',
  sharedVariables: {},
  services: [
    postgresTemplateService(),
    {
      name: 'frontend',
      repo: 'acme/shop-frontend',
      serviceDomain: { targetPort: 3000 },
      customDomain: FRONTEND_CUSTOM_DOMAIN,
      variables: { API_URL: 'https://${{api.RAILWAY_PUBLIC_DOMAIN}}', PORT: '3000' },
    },
    {
      name: 'api',
      repo: 'acme/shop-api',
      serviceDomain: { targetPort: 8080 },
      customDomain: API_CUSTOM_DOMAIN,
      variables: { DATABASE_URL: '${{Postgres.DATABASE_URL}}', PORT: '8080' },
    },
  ],
  async seedDatabase(service: string, db: PhysicalDatabase, ctx: SeedContext): Promise<void> {
    if (service !== 'Postgres') return;
    if (db.engine !== 'postgres')
      throw new ValidationError('db.engine', `the frontend-api seed needs PostgreSQL, got ${db.engine}`);
    const front = ctx.publicDomain('frontend');
    const api = ctx.publicDomain('api');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(`DROP TABLE IF EXISTS settings, pages;
        CREATE TABLE settings (key text PRIMARY KEY, value text NOT NULL);
        CREATE TABLE pages (id int PRIMARY KEY, body text NOT NULL, meta jsonb)`);
      const settings: [string, string][] = [
        ['site_url', `https://${FRONTEND_CUSTOM_DOMAIN}`],
        ['api_url', `https://${API_CUSTOM_DOMAIN}/v1`],
        ['frontend_railway', `https://${front}/`],
        ['api_railway', `https://${api}/health`],
        ['cors_origins', `https://${FRONTEND_CUSTOM_DOMAIN},https://${front}`],
        ['contact', `orders@example-shop.com`],
        ['cdn', `https://cdn.example-shop.com/logo.png`],
      ];
      for (const [k, v] of settings) await client.query('INSERT INTO settings VALUES ($1, $2)', [k, v]);
      for (let i = 1; i <= 20; i++)
        await client.query('INSERT INTO pages VALUES ($1, $2, $3)', [
          i,
          `<a href="https://${FRONTEND_CUSTOM_DOMAIN}/p/${i}">page</a> <script src="https://${API_CUSTOM_DOMAIN}/v1/p/${i}.js"></script>`,
          JSON.stringify({ canonical: `https://${front}/p/${i}`, api: `https://${api}/v1/p/${i}` }),
        ]);
    } finally {
      await client.end();
    }
  },
};
