// Who the token is: an account (me), a workspace (apiToken) or a project (projectToken).
// Each GraphQL document sits beside the function that sends it; ../operations.ts lists them all.
import { RailwayAuthError } from '../errors.js';
import type { TokenIdentity } from '../types.js';
import { type ApiContext } from './context.js';
import { query } from './operation.js';

export const Me = query(
  'Me',
  `
query Me {
  me { id name email }
}`,
);

export const ApiTokenWorkspaces = query(
  'ApiTokenWorkspaces',
  `
query ApiTokenWorkspaces {
  apiToken { workspaces { id name } }
}`,
);

export const ProjectTokenInfo = query(
  'ProjectTokenInfo',
  `
query ProjectTokenInfo {
  projectToken {
    projectId
    environmentId
    project { id name }
    environment { id name }
  }
}`,
);

export async function whoami(ctx: ApiContext): Promise<TokenIdentity> {
  if (ctx.mode === 'project') {
    type R = {
      projectToken: {
        projectId: string;
        environmentId: string;
        project: { name: string };
        environment: { name: string };
      };
    };
    const r = await ctx.transport.call<R>(
      ProjectTokenInfo,
      {},
      { resource: 'its own project (projectToken)' },
    );
    const t = r.projectToken;
    return {
      kind: 'project',
      projectId: t.projectId,
      environmentId: t.environmentId,
      projectName: t.project.name,
      environmentName: t.environment.name,
    };
  }
  try {
    const r = await ctx.transport.call<{ me: { id: string; name: string | null; email: string } }>(
      Me,
      {},
      { resource: 'the account (me)' },
    );
    return { kind: 'account', user: { id: r.me.id, name: r.me.name ?? null, email: r.me.email } };
  } catch (err) {
    // `me` refuses workspace tokens; apiToken works for both kinds.
    if (!(err instanceof RailwayAuthError)) throw err;
  }
  const r = await ctx.transport.call<{ apiToken: { workspaces: { id: string; name: string }[] } }>(
    ApiTokenWorkspaces,
    {},
    { resource: 'any workspace (the token is not valid)' },
  );
  return { kind: 'workspace', workspaces: r.apiToken.workspaces.map((w) => ({ id: w.id, name: w.name })) };
}

/** The workspaces an account or workspace token reaches (a project token has none: it names its project). */
export async function listWorkspaces(ctx: ApiContext): Promise<{ id: string; name: string }[]> {
  const r = await ctx.transport.call<{ apiToken: { workspaces: { id: string; name: string }[] } }>(
    ApiTokenWorkspaces,
    {},
    { resource: 'the workspaces of the token' },
  );
  return r.apiToken.workspaces.map((w) => ({ id: w.id, name: w.name }));
}
