// Projects: read one with its environments and services, list per workspace, create, delete.
// Each GraphQL document sits beside the function that sends it; ../operations.ts lists them all.
import { nodes, toEnvironmentSummary, type Connection, type RawEnvironment } from '../map.js';
import { registerPublic } from '../../util/secrets.js';
import type { ProjectSummary } from '../types.js';
import { CLOCK_SKEW_MS, definedOnly, type ApiContext } from './context.js';
import { ENVIRONMENT_SUMMARY, PAGE_SIZE, mutation, query } from './operation.js';
import { listEnvironments } from './environments.js';
import { ApiTokenWorkspaces } from './token.js';

export const Project = query(
  'Project',
  `
query Project($id: String!, $first: Int) {
  project(id: $id) {
    id
    name
    workspaceId
    environments(first: $first) {
      edges { node {${ENVIRONMENT_SUMMARY}
      } }
      pageInfo { hasNextPage endCursor }
    }
    services(first: $first) {
      edges { node { id name } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`,
);

export const ProjectServicesPage = query(
  'ProjectServicesPage',
  `
query ProjectServicesPage($id: String!, $first: Int, $after: String) {
  project(id: $id) {
    services(first: $first, after: $after) {
      edges { node { id name } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`,
);

/** Used to find out whether a projectCreate that timed out did happen. */
export const Projects = query(
  'Projects',
  `
query Projects($workspaceId: String, $first: Int, $after: String) {
  projects(workspaceId: $workspaceId, first: $first, after: $after, orderBy: CREATED_AT_DESC) {
    edges { node { id name createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}`,
);

export const ProjectCreate = mutation(
  'ProjectCreate',
  `
mutation ProjectCreate($input: ProjectCreateInput!) {
  projectCreate(input: $input) { id name createdAt }
}`,
  { idempotent: false },
);

export const ProjectDelete = mutation(
  'ProjectDelete',
  `
mutation ProjectDelete($id: String!) {
  projectDelete(id: $id)
}`,
  { idempotent: true },
);

export async function getProject(ctx: ApiContext, projectId: string): Promise<ProjectSummary> {
  type P = {
    id: string;
    name: string;
    workspaceId: string | null;
    environments: Connection<RawEnvironment>;
    services: Connection<{ id: string; name: string }>;
  };
  const resource = `project ${projectId}`;
  const { project } = await ctx.transport.call<{ project: P }>(
    Project,
    { id: projectId, first: PAGE_SIZE },
    { resource },
  );
  const environments = project.environments.pageInfo?.hasNextPage
    ? await listEnvironments(ctx, projectId)
    : nodes(project.environments).map(toEnvironmentSummary);
  const services = nodes(project.services);
  let page = project.services.pageInfo;
  while (page?.hasNextPage) {
    const r = await ctx.transport.call<{
      project: { services: Connection<{ id: string; name: string }> };
    }>(ProjectServicesPage, { id: projectId, first: PAGE_SIZE, after: page.endCursor }, { resource });
    services.push(...nodes(r.project.services));
    page = r.project.services.pageInfo;
  }
  for (const e of environments) registerPublic(e.name);
  for (const s of services) registerPublic(s.name);
  return {
    id: project.id,
    name: project.name,
    workspaceId: project.workspaceId ?? null,
    environments,
    services: services.map((s) => ({ id: s.id, name: s.name })),
  };
}

export async function createProject(
  ctx: ApiContext,
  input: {
    name: string;
    workspaceId?: string;
    defaultEnvironmentName?: string;
  },
): Promise<{ id: string; name: string }> {
  const startedAt = Date.now();
  const vars = {
    input: definedOnly({
      name: input.name,
      workspaceId: input.workspaceId,
      defaultEnvironmentName: input.defaultEnvironmentName,
    }),
  };
  const r = await ctx.transport.call<{ projectCreate: { id: string; name: string } }>(ProjectCreate, vars, {
    resource: `new project "${input.name}"`,
    // Project names are not unique: only a project of that name created since we started counts.
    recover: async () => {
      const found = await findRecentProject(ctx, input.name, input.workspaceId, startedAt);
      return found ? { projectCreate: found } : undefined;
    },
  });
  return { id: r.projectCreate.id, name: r.projectCreate.name };
}

export async function findRecentProject(
  ctx: ApiContext,
  name: string,
  workspaceId: string | undefined,
  since: number,
) {
  type R = { projects: Connection<{ id: string; name: string; createdAt: string }> };
  // Without workspaceId an account token lists nothing: look in each workspace the token reaches.
  const workspaces = workspaceId
    ? [workspaceId]
    : (
        await ctx.transport.call<{ apiToken: { workspaces: { id: string }[] } }>(
          ApiTokenWorkspaces,
          {},
          { resource: 'the workspaces of the token' },
        )
      ).apiToken.workspaces.map((w) => w.id);
  for (const id of workspaces) {
    // Newest first; one page is plenty to find something created seconds ago.
    const r = await ctx.transport.call<R>(
      Projects,
      { workspaceId: id, first: 50 },
      { resource: 'the project list' },
    );
    const found = nodes(r.projects).find(
      (p) => p.name === name && Date.parse(p.createdAt) >= since - CLOCK_SKEW_MS,
    );
    if (found) return found;
  }
  return undefined;
}

export async function deleteProject(ctx: ApiContext, projectId: string): Promise<void> {
  await ctx.transport.call<{ projectDelete: boolean }>(
    ProjectDelete,
    { id: projectId },
    {
      resource: `project ${projectId}`,
      goneMeansDone: { projectDelete: true },
    },
  );
}

/** `projects` without workspaceId is empty for an account token: the workspace is always named. */
export async function listProjects(
  ctx: ApiContext,
  opts: {
    workspaceId: string;
  },
): Promise<{ id: string; name: string; createdAt: string }[]> {
  type R = { projects: Connection<{ id: string; name: string; createdAt: string }> };
  const out: { id: string; name: string; createdAt: string }[] = [];
  let after: string | null | undefined;
  for (;;) {
    const r = await ctx.transport.call<R>(
      Projects,
      { workspaceId: opts.workspaceId, first: PAGE_SIZE, after },
      { resource: 'the project list' },
    );
    out.push(...nodes(r.projects).map((p) => ({ id: p.id, name: p.name, createdAt: p.createdAt })));
    if (!r.projects.pageInfo?.hasNextPage) break;
    after = r.projects.pageInfo.endCursor;
  }
  for (const p of out) registerPublic(p.name);
  return out;
}
