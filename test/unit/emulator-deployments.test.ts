// Deployment timers, step by step, on a fake clock.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DatabaseHost, engineForImage } from '../../src/emulator/databases.js';
import { deploy } from '../../src/emulator/deployments.js';
import { createProject } from '../../src/emulator/environments.js';
import { createService } from '../../src/emulator/services.js';
import { World } from '../../src/emulator/world.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('deployments', () => {
  it('walk QUEUED → BUILDING → DEPLOYING → SUCCESS one step per deploymentStepMs, and stop() cancels the rest', async () => {
    vi.useFakeTimers();
    // The host is never asked for a database: the service is a plain image.
    const host = new DatabaseHost({
      postgresAdminUrl: 'postgresql://postgres@127.0.0.1:5432/postgres',
      mysqlAdminUrl: 'mysql://root@127.0.0.1:3306',
      prefix: 'emuunit',
    });
    const world = new World({ deploymentStepMs: 100, tcpProxyActivationMs: 0 }, { engineForImage, host });
    world.state.workspaces.set('w', { id: 'w', name: 'w', createdAt: new Date().toISOString() });
    const project = createProject(world, { name: 'p', workspaceId: 'w' });
    const env = world.state.environmentsOf(project.id)[0]!;
    const svc = await createService(world, {
      projectId: project.id,
      name: 'web',
      source: { image: 'nginx:1' },
    });
    const first = world.state.deploymentsOf({ environmentId: env.id, serviceId: svc.id })[0]!;
    const seen = [first.status];
    for (let i = 0; i < 3; i++) {
      await vi.advanceTimersByTimeAsync(100);
      seen.push(first.status);
    }
    expect(seen).toEqual(['QUEUED', 'BUILDING', 'DEPLOYING', 'SUCCESS']);

    const second = deploy(world, env.id, svc.id);
    await vi.advanceTimersByTimeAsync(99);
    expect(second.status).toBe('QUEUED');
    await vi.advanceTimersByTimeAsync(300);
    expect(second.status).toBe('SUCCESS');
    expect(first.status).toBe('REMOVED');

    const third = deploy(world, env.id, svc.id);
    await world.stop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(third.status).toBe('QUEUED');
  });
});
