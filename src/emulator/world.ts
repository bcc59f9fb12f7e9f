// The emulator's running world: state plus the things that act on it over time (deployment timers,
// real databases). Every operation module takes a World.
import type { DeploymentStatus } from '../railway/types.js';
import type { PhysicalDb, DbBackend } from './physical-types.js';
import { EmulatorState } from './state.js';
import type { TcpForwarder } from './tcp-forwarder.js';

export interface WorldOptions {
  deploymentStepMs: number;
  /** How long a new TCP proxy stays CREATING (and a deleted one DELETING). */
  tcpProxyActivationMs: number;
  /** Most edges per connection page (EmulatorOptions.maxPageSize); absent = no cap. */
  maxPageSize?: number;
  /** Injected deployment outcomes (tests); absent = every deployment succeeds. */
  faults?: { takeDeploymentOutcome(service: string): DeploymentStatus | null };
}

export class World {
  readonly state = new EmulatorState();
  /** Physical database behind a database service, by scopeKey(env, service). */
  readonly physical = new Map<string, PhysicalDb>();
  /** The listening port of each TCP proxy, by proxy id. */
  readonly forwarders = new Map<string, TcpForwarder>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private seq = 0;
  /** Background work (applyChangesInBackground, provisioning) whose failure must not crash the process. */
  private readonly pending = new Set<Promise<unknown>>();
  stopped = false;

  constructor(
    readonly options: WorldOptions,
    readonly db: DbBackend,
  ) {}

  nextSeq(): number {
    return ++this.seq;
  }

  later(ms: number, fn: () => void): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, ms);
    this.timers.add(t);
  }

  track(p: Promise<unknown>): void {
    const guarded = p.catch(() => undefined).finally(() => this.pending.delete(guarded));
    this.pending.add(guarded);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.all([...this.forwarders.values()].map((f) => f.close()));
    this.forwarders.clear();
    await Promise.all([...this.pending]);
    await this.db.host.dropAll();
    this.physical.clear();
  }
}
