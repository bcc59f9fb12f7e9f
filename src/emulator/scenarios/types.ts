// What a seed scenario describes: a Railway project as its template would create it, plus how to fill
// its databases with realistic data.
import type { PhysicalDatabase } from '../databases.js';

export interface ScenarioService {
  name: string;
  image?: string;
  repo?: string;
  /** Unrendered, in Railway template syntax (`${{Svc.VAR}}`, `${{shared.VAR}}`, `${{VAR}}`). */
  variables: Record<string, string>;
  /** Sealed variables: readable by the service, never returned by the API, not copied into clones. */
  sealedVariables?: Record<string, string>;
  volumeMountPath?: string;
  serviceDomain?: { targetPort?: number };
  customDomain?: string;
  tcpProxyPort?: number;
  deploy?: { startCommand?: string; healthcheckPath?: string; numReplicas?: number };
}

export interface SeedContext {
  /** The Railway-provided public domain of a service in the environment being seeded. */
  publicDomain(serviceName: string): string;
}

export interface Scenario {
  name: string;
  projectName: string;
  services: ScenarioService[];
  sharedVariables: Record<string, string>;
  /** Fills the database of `service`; services without seed data resolve without doing anything. */
  seedDatabase(service: string, db: PhysicalDatabase, ctx: SeedContext): Promise<void>;
}
