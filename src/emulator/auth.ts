// Who is calling and what they may touch (FACTS §1). Account tokens reach everything, workspace
// tokens their workspace (no `me`), project tokens one environment. Everything else: Not Authorized.
import { EmuError, notAuthorized, problem } from './errors.js';
import { isUuid } from './ids.js';
import type { EnvironmentRec, ProjectRec, TokenRec, UserRec } from './state.js';
import type { World } from './world.js';

export type Principal =
  | { kind: 'anonymous' }
  /** A token was sent but is unknown. */
  | { kind: 'invalid'; header: 'bearer' | 'project' }
  | TokenRec;

export function principalFrom(
  world: World,
  headers: { authorization?: string | null; projectAccessToken?: string | null },
): Principal {
  // Like the CLI: a project token wins when both are present.
  const projectToken = headers.projectAccessToken?.trim();
  if (projectToken) {
    const t = world.state.tokens.get(projectToken);
    return t && t.kind === 'project' ? t : { kind: 'invalid', header: 'project' };
  }
  const m = /^Bearer\s+(.+)$/i.exec(headers.authorization?.trim() ?? '');
  if (!m) return { kind: 'anonymous' };
  const t = world.state.tokens.get(m[1]!.trim());
  return t && t.kind !== 'project' ? t : { kind: 'invalid', header: 'bearer' };
}

/** Unknown or malformed id: Railway answers Not Authorized for ids it cannot see, its catch-all for junk. */
export const missing = (id: string): EmuError => (isUuid(id) ? notAuthorized() : problem());

export class Access {
  constructor(
    private readonly world: World,
    readonly principal: Principal,
  ) {}

  private get s() {
    return this.world.state;
  }

  get isBearer(): boolean {
    return this.principal.kind === 'account' || this.principal.kind === 'workspace';
  }

  user(): UserRec {
    if (this.principal.kind !== 'account') throw notAuthorized();
    const u = this.s.users.get(this.principal.userId);
    if (!u) throw notAuthorized();
    return u;
  }

  workspaceIds(): string[] {
    if (this.principal.kind === 'account') return [...this.s.workspaces.keys()];
    if (this.principal.kind === 'workspace') return [this.principal.workspaceId];
    throw notAuthorized();
  }

  requireBearer(): void {
    if (!this.isBearer) throw notAuthorized();
  }

  requireAny(): void {
    if (this.principal.kind === 'anonymous' || this.principal.kind === 'invalid') throw notAuthorized();
  }

  canSeeProject(p: ProjectRec): boolean {
    const pr = this.principal;
    if (pr.kind === 'account') return true;
    if (pr.kind === 'workspace') return p.workspaceId === pr.workspaceId;
    if (pr.kind === 'project') return p.id === pr.projectId;
    return false;
  }

  canSeeEnvironment(e: EnvironmentRec): boolean {
    const pr = this.principal;
    if (pr.kind === 'project') return e.id === pr.environmentId;
    const p = this.s.projects.get(e.projectId);
    return !!p && this.canSeeProject(p);
  }

  /** Read a project. */
  project(id: string): ProjectRec {
    this.requireAny();
    const p = this.s.projects.get(id);
    if (!p) throw this.isBearer ? new EmuError('Project not found') : notAuthorized();
    if (!this.canSeeProject(p)) throw notAuthorized();
    return p;
  }

  /** Read an environment, or act on what is inside it (variables, deploys, domains, patches). */
  environment(id: string, projectId?: string | null): EnvironmentRec {
    this.requireAny();
    const e = this.s.environments.get(id);
    if (!e) throw missing(id);
    if (!this.canSeeEnvironment(e) || (projectId && e.projectId !== projectId)) throw notAuthorized();
    return e;
  }

  /** Create, rename or delete environments: account or workspace tokens only. */
  manageProject(projectId: string): ProjectRec {
    this.requireBearer();
    const p = this.s.projects.get(projectId);
    if (!p) throw missing(projectId);
    if (!this.canSeeProject(p) || p.deletedAt) throw notAuthorized();
    return p;
  }

  manageEnvironment(id: string): EnvironmentRec {
    this.requireBearer();
    const e = this.environment(id);
    return e;
  }
}
