// Real databases behind database services. One local server hosts every environment, so each
// (environment, service) gets its own physical database and the identity variables of that
// environment are overridden to name it: the emulator's one documented liberty.
import { randomBytes } from 'node:crypto';
import { registerSecret } from '../util/secrets.js';
import { now } from './ids.js';
import { ENGINE_VARS, type PhysicalDb } from './physical-types.js';
import { renderValue } from './render.js';
import { scopeKey } from './state.js';
import type { World } from './world.js';

export function engineOf(world: World, environmentId: string, serviceId: string) {
  const inst = world.state.instance(environmentId, serviceId);
  return inst ? world.db.engineForImage(inst.source?.image) : null;
}

function setVar(world: World, environmentId: string, serviceId: string, name: string, value: string): void {
  const vars = world.state.vars(environmentId, serviceId);
  const t = now();
  const prev = vars.get(name);
  vars.set(name, { value, sealed: prev?.sealed ?? false, createdAt: prev?.createdAt ?? t, updatedAt: t });
}

/** The password a database service's variables ask for (rendered), generating one if none is set. */
function wantedPassword(world: World, environmentId: string, serviceId: string, passwordVar: string): string {
  const raw = world.state.vars(environmentId, serviceId).get(passwordVar)?.value;
  const rendered = raw === undefined ? '' : renderValue(world.state, environmentId, serviceId, raw);
  if (rendered && !rendered.includes('${{')) return rendered;
  const generated = randomBytes(18).toString('base64url');
  setVar(world, environmentId, serviceId, passwordVar, generated);
  return generated;
}

/** Provisions the physical database of a database service instance once; returns it (or null for other images). */
export async function ensureDatabase(
  world: World,
  environmentId: string,
  serviceId: string,
): Promise<PhysicalDb | null> {
  const engine = engineOf(world, environmentId, serviceId);
  if (!engine) return null;
  const key = scopeKey(environmentId, serviceId);
  const existing = world.physical.get(key);
  if (existing) return existing;
  const names = ENGINE_VARS[engine];
  const password = wantedPassword(world, environmentId, serviceId, names.password);
  registerSecret(password);
  const serviceName = world.state.services.get(serviceId)?.name ?? serviceId;
  const db = await world.db.host.provision(engine, { environmentId, serviceName }, password);
  if (world.stopped || !world.state.instance(environmentId, serviceId)) {
    // The environment went away (or the emulator stopped) while we were provisioning.
    await world.db.host.drop(db);
    return null;
  }
  world.physical.set(key, db);
  setVar(world, environmentId, serviceId, names.database, db.database);
  setVar(world, environmentId, serviceId, names.user, db.user);
  return db;
}

export async function dropDatabase(world: World, environmentId: string, serviceId: string): Promise<void> {
  const key = scopeKey(environmentId, serviceId);
  const db = world.physical.get(key);
  if (!db) return;
  world.physical.delete(key);
  await world.db.host.drop(db);
}
