// Everything a step needs, handed in rather than reached for, so steps run the same in one process
// (`railclone clone`) and one per Kestra task (`railclone task <step>`).
import type { CloneRequest } from '../inputs/index.js';
import type { RailwayApi } from '../railway/types.js';
import type { Logger } from '../util/log.js';
import type { ProgressListener } from '../util/progress.js';
import type { CloneState } from './state.js';

/** The process running a clone, so cleanup on the same machine can tell a live run from a dead one. */
export interface Runner {
  host: string;
  pid: number;
}

export interface StepContext {
  railway: RailwayApi;
  request: CloneRequest;
  state: CloneState;
  log: Logger;
  progress: ProgressListener;
  now: () => Date;
  /** Key that encrypts the basic-auth password in outputs (RAILCLONE_OUTPUT_KEY); absent = never output. */
  outputKey?: string;
  /** Default project when the request names none (RAILCLONE_PROJECT_ID). */
  defaultProjectId?: string;
  /** Set by long-lived runners (`railclone clone`, the clone API); recorded in the intent and metadata. */
  runner?: Runner;
  /** Aborted when the run is interrupted: long work (a database copy) stops early. */
  signal?: AbortSignal;
}

/** What a step returns: outputs for Kestra (no secrets) and the state for the next step. */
export interface StepResult {
  outputs: Record<string, unknown>;
  state: CloneState;
}

export type Step = (ctx: StepContext) => Promise<StepResult>;
