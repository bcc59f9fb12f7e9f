// Every step, by the name Kestra's tasks and `railclone task <step>` use.
import type { Step } from '../context.js';
import { validateInputs } from './validate-inputs.js';
import { preflight } from './preflight.js';
import { plan } from './plan.js';
import { createEnvironment } from './create-environment.js';
import { waitForDatabases } from './wait-for-databases.js';
import { syncDatabase } from './sync-database.js';
import { wordpressSearchReplace } from './wordpress-search-replace.js';
import { configureBasicAuth } from './configure-basic-auth.js';
import { assignDomain } from './assign-domain.js';
import { finalize } from './finalize.js';
import { closeDatabaseAccess } from './close-database-access.js';
import { rollback } from './rollback.js';

/** The clone, in order. */
export const CLONE_STEPS = [
  ['validate-inputs', validateInputs],
  ['preflight', preflight],
  ['plan', plan],
  ['create-environment', createEnvironment],
  ['wait-for-databases', waitForDatabases],
  ['sync-database', syncDatabase],
  ['wordpress-search-replace', wordpressSearchReplace],
  ['configure-basic-auth', configureBasicAuth],
  ['assign-domain', assignDomain],
  ['finalize', finalize],
] as const satisfies readonly (readonly [string, Step])[];

export type CloneStepName = (typeof CLONE_STEPS)[number][0];

export const CLEANUP_STEPS = {
  'close-database-access': closeDatabaseAccess,
  rollback,
} as const;

export const ALL_STEPS: Record<string, Step> = { ...Object.fromEntries(CLONE_STEPS), ...CLEANUP_STEPS };
