// Builds the starting world from a scenario: one workspace, one project, a `production`
// environment with the scenario's services, variables, domains, volumes and seeded databases.
import { createInstance } from './apply.js';
import { addCustomDomain, addServiceDomain, addTcpProxy } from './domains.js';
import { newId, now, slug } from './ids.js';
import { ensureDatabase } from './physical.js';
import type { PhysicalDatabase } from './databases.js';
import type { Scenario } from './scenarios/types.js';
import type { DeploymentRec, ServiceRec } from './state.js';
import type { World } from './world.js';

export async function seedEnvironment(
  world: World,
  scenario: Scenario,
  projectId: string,
  environmentId: string,
): Promise<void> {
  const s = world.state;
  const t = now();
  const created: ServiceRec[] = [];
  for (const spec of scenario.services) {
    const svc: ServiceRec = {
      id: newId(),
      projectId,
      name: spec.name,
      icon: null,
      createdAt: t,
      updatedAt: t,
    };
    s.services.set(svc.id, svc);
    created.push(svc);
    const inst = createInstance(world, environmentId, svc.id);
    inst.source =
      spec.image || spec.repo
        ? { image: spec.image ?? null, repo: spec.repo ?? null, branch: spec.repo ? 'main' : null }
        : null;
    if (spec.deploy?.startCommand) inst.startCommand = spec.deploy.startCommand;
    if (spec.deploy?.healthcheckPath) inst.healthcheckPath = spec.deploy.healthcheckPath;
    if (spec.deploy?.numReplicas) inst.numReplicas = spec.deploy.numReplicas;
    const vars = s.vars(environmentId, svc.id);
    for (const [name, value] of Object.entries(spec.variables))
      vars.set(name, { value, sealed: false, createdAt: t, updatedAt: t });
    for (const [name, value] of Object.entries(spec.sealedVariables ?? {}))
      vars.set(name, { value, sealed: true, createdAt: t, updatedAt: t });
    if (spec.volumeMountPath) {
      const volumeId = newId();
      s.volumes.set(volumeId, { id: volumeId, projectId, name: `${slug(spec.name)}-volume`, createdAt: t });
      const id = newId();
      s.volumeInstances.set(id, {
        id,
        volumeId,
        environmentId,
        serviceId: svc.id,
        mountPath: spec.volumeMountPath,
        sizeMB: 50_000,
        currentSizeMB: 0,
        region: 'us-west2',
        state: 'READY',
        createdAt: t,
      });
    }
    if (spec.serviceDomain)
      addServiceDomain(world, environmentId, svc.id, spec.serviceDomain.targetPort ?? null);
    if (spec.customDomain)
      addCustomDomain(
        world,
        environmentId,
        svc.id,
        spec.customDomain,
        spec.serviceDomain?.targetPort ?? null,
      );
    // A production proxy has long been ACTIVE.
    if (spec.tcpProxyPort)
      await addTcpProxy(world, environmentId, svc.id, spec.tcpProxyPort, { immediately: true });
  }
  const shared = s.vars(environmentId, null);
  for (const [name, value] of Object.entries(scenario.sharedVariables))
    shared.set(name, { value, sealed: false, createdAt: t, updatedAt: t });

  const publicDomain = (serviceName: string): string => {
    const svc = s.serviceByName(projectId, serviceName);
    return (svc && s.serviceDomainsOf(environmentId, svc.id)[0]?.domain) ?? '';
  };
  for (const svc of created) {
    const db = await ensureDatabase(world, environmentId, svc.id);
    if (db) await scenario.seedDatabase(svc.name, db as PhysicalDatabase, { publicDomain });
  }
  // Production starts healthy: one successful deployment per service.
  for (const svc of created) {
    const d: DeploymentRec = {
      seq: world.nextSeq(),
      id: newId(),
      projectId,
      environmentId,
      serviceId: svc.id,
      status: 'SUCCESS',
      createdAt: t,
      updatedAt: t,
      statusUpdatedAt: t,
      meta: { reason: 'seed' },
    };
    s.deployments.set(d.id, d);
  }
}
