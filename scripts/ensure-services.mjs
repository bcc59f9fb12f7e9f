// Makes sure the local PostgreSQL and MariaDB the tests and the demo use are up; starts them if not.
// On this machine kind they are Debian packages started outside systemd (see README › Troubleshooting).
// With --browser (the test suite) it also installs Debian's Chromium for the CORS browser test.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';

const services = [
  {
    name: 'PostgreSQL',
    port: 5432,
    start: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  },
  {
    name: 'MariaDB',
    port: 3306,
    start: 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd',
  },
];

function listening(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

for (const s of services) {
  if (await listening(s.port)) continue;
  console.error(`${s.name} is not listening on 127.0.0.1:${s.port}; starting it: ${s.start}`);
  try {
    execSync(s.start, { stdio: 'inherit', shell: '/bin/bash' });
  } catch {
    console.error(`Could not start ${s.name}. Start it by hand with: ${s.start}`);
    process.exit(1);
  }
  for (let i = 0; i < 60 && !(await listening(s.port)); i++) await new Promise((r) => setTimeout(r, 500));
  if (!(await listening(s.port))) {
    console.error(`${s.name} did not come up on 127.0.0.1:${s.port}. Start it by hand with: ${s.start}`);
    process.exit(1);
  }
}

if (process.argv.includes('--browser') && !existsSync('/usr/bin/chromium')) {
  const install =
    'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium';
  console.error(`Debian's Chromium (for the browser test) is missing; installing it: ${install}`);
  try {
    execSync(install, { stdio: 'inherit', shell: '/bin/bash' });
  } catch {
    console.error(
      `Could not install Chromium; the browser test will fail. Install it by hand with: ${install}`,
    );
  }
}

// php-cli: the masking tests check with PHP itself that masked serialized values still unserialize.
if (process.argv.includes('--browser') && !existsSync('/usr/bin/php')) {
  const install =
    'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends php-cli';
  console.error(`php-cli (for the masking tests) is missing; installing it: ${install}`);
  try {
    execSync(install, { stdio: 'inherit', shell: '/bin/bash' });
  } catch {
    console.error(
      `Could not install php-cli; the masking tests will fail. Install it by hand with: ${install}`,
    );
  }
}
