// Railway's WordPress template (code EP4wIt): a MariaDB service and a `Primary` WordPress service,
// variables exactly as the template wires them, and a seeded WordPress database.
import type { PhysicalDatabase } from '../databases.js';
import type { Scenario, SeedContext } from './types.js';
import { generated, generatedSalt, LETTERS } from './secrets.js';
import { seedWordPress } from './wordpress-seed.js';

const mariadbUser = generated(12, LETTERS.toLowerCase().slice(0, 26));
const mariadbPassword = generated(32);
const mariadbRootPassword = generated(32);

const SALT_NAMES = ['AUTH', 'SECURE_AUTH', 'LOGGED_IN', 'NONCE'].flatMap((n) => [
  `WORDPRESS_${n}_KEY`,
  `WORDPRESS_${n}_SALT`,
]);

export const wordpressScenario: Scenario = {
  name: 'wordpress',
  projectName: 'example-shop',
  sharedVariables: {
    APP_ENV: 'production',
    SUPPORT_EMAIL: 'support@example-shop.com',
  },
  services: [
    {
      name: 'MariaDB',
      image: 'mariadb',
      volumeMountPath: '/var/lib/mysql',
      tcpProxyPort: 3306,
      variables: {
        MARIADB_USER: mariadbUser,
        MARIADB_PASSWORD: mariadbPassword,
        MARIADB_ROOT_PASSWORD: mariadbRootPassword,
        MARIADB_DATABASE: 'railway',
        MARIADB_HOST: '${{RAILWAY_TCP_PROXY_DOMAIN}}',
        MARIADB_PORT: '${{RAILWAY_TCP_PROXY_PORT}}',
        MARIADB_PRIVATE_HOST: '${{RAILWAY_PRIVATE_DOMAIN}}',
        MARIADB_PRIVATE_PORT: '3306',
        MARIADB_URL:
          'mariadb://${{MARIADB_USER}}:${{MARIADB_PASSWORD}}@${{MARIADB_HOST}}:${{MARIADB_PORT}}/${{MARIADB_DATABASE}}',
        MARIADB_PRIVATE_URL:
          'mariadb://${{MARIADB_USER}}:${{MARIADB_PASSWORD}}@${{MARIADB_PRIVATE_HOST}}:${{MARIADB_PRIVATE_PORT}}/${{MARIADB_DATABASE}}',
      },
    },
    {
      name: 'Primary',
      image: 'wordpress',
      volumeMountPath: '/var/www/html',
      serviceDomain: { targetPort: 80 },
      customDomain: 'www.example-shop.com',
      variables: {
        PORT: '80',
        WORDPRESS_DB_HOST: '${{MariaDB.MARIADB_PRIVATE_HOST}}:${{MariaDB.MARIADB_PRIVATE_PORT}}',
        WORDPRESS_DB_NAME: '${{MariaDB.MARIADB_DATABASE}}',
        WORDPRESS_DB_USER: '${{MariaDB.MARIADB_USER}}',
        WORDPRESS_DB_PASSWORD: '${{MariaDB.MARIADB_PASSWORD}}',
        ...Object.fromEntries(SALT_NAMES.map((n) => [n, generatedSalt()])),
        WORDPRESS_CONFIG_EXTRA:
          "define('DOMAIN_CURRENT_SITE','${{RAILWAY_PUBLIC_DOMAIN}}');define('WP_HOME','https://${{RAILWAY_PUBLIC_DOMAIN}}');define('WP_SITEURL','https://${{RAILWAY_PUBLIC_DOMAIN}}');",
      },
      sealedVariables: {
        STRIPE_SECRET_KEY: `sk_live_${generated(24)}`,
      },
    },
  ],
  async seedDatabase(service: string, db: PhysicalDatabase, ctx: SeedContext): Promise<void> {
    if (service !== 'MariaDB') return;
    await seedWordPress(db, `https://${ctx.publicDomain('Primary')}`);
  },
};
