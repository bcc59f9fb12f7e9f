// Staged changes and patches: the current write model of an environment's config.
// Each GraphQL document sits beside the function that sends it; ../operations.ts lists them all.
import { registerConfigSecrets } from '../map.js';
import type { EnvironmentConfig, EnvironmentPatchInfo } from '../types.js';
import { toPatch, type ApiContext } from './context.js';
import { mutation, query } from './operation.js';

export const EnvironmentStagedChanges = query(
  'EnvironmentStagedChanges',
  `
query EnvironmentStagedChanges($environmentId: String!) {
  environmentStagedChanges(environmentId: $environmentId) { id status patch }
}`,
);

export const EnvironmentStageChanges = mutation(
  'EnvironmentStageChanges',
  `
mutation EnvironmentStageChanges($environmentId: String!, $input: EnvironmentConfig!, $merge: Boolean) {
  environmentStageChanges(environmentId: $environmentId, input: $input, merge: $merge) { id status patch }
}`,
  // Staging the same patch again (merge) leaves the same staged state.
  { idempotent: true },
);

export const EnvironmentPatchCommit = mutation(
  'EnvironmentPatchCommit',
  `
mutation EnvironmentPatchCommit($environmentId: String!, $patch: EnvironmentConfig, $commitMessage: String) {
  environmentPatchCommit(environmentId: $environmentId, patch: $patch, commitMessage: $commitMessage)
}`,
  // Applying the same patch twice converges on the same config.
  { idempotent: true },
);

export const EnvironmentPatchCommitStaged = mutation(
  'EnvironmentPatchCommitStaged',
  `
mutation EnvironmentPatchCommitStaged($environmentId: String!, $commitMessage: String, $skipDeploys: Boolean) {
  environmentPatchCommitStaged(environmentId: $environmentId, commitMessage: $commitMessage, skipDeploys: $skipDeploys)
}`,
  // A second commit finds nothing staged.
  { idempotent: true },
);

export async function stagedChanges(ctx: ApiContext, environmentId: string): Promise<EnvironmentPatchInfo> {
  const r = await ctx.transport.call<{ environmentStagedChanges: EnvironmentPatchInfo }>(
    EnvironmentStagedChanges,
    { environmentId },
    { resource: `environment ${environmentId}` },
  );
  return toPatch(r.environmentStagedChanges);
}

export async function stageChanges(
  ctx: ApiContext,

  environmentId: string,
  patch: EnvironmentConfig,
  merge?: boolean,
): Promise<EnvironmentPatchInfo> {
  registerConfigSecrets(patch);
  const r = await ctx.transport.call<{ environmentStageChanges: EnvironmentPatchInfo }>(
    EnvironmentStageChanges,
    { environmentId, input: patch, merge },
    { resource: `environment ${environmentId}` },
  );
  return toPatch(r.environmentStageChanges);
}

export async function commitPatch(
  ctx: ApiContext,
  environmentId: string,
  patch: EnvironmentConfig,
  message?: string,
): Promise<string> {
  registerConfigSecrets(patch);
  const r = await ctx.transport.call<{ environmentPatchCommit: string }>(
    EnvironmentPatchCommit,
    { environmentId, patch, commitMessage: message },
    { resource: `environment ${environmentId}` },
  );
  return r.environmentPatchCommit;
}

export async function commitStaged(
  ctx: ApiContext,

  environmentId: string,
  opts: { skipDeploys?: boolean; message?: string } = {},
): Promise<string> {
  const r = await ctx.transport.call<{ environmentPatchCommitStaged: string }>(
    EnvironmentPatchCommitStaged,
    { environmentId, skipDeploys: opts.skipDeploys, commitMessage: opts.message },
    { resource: `environment ${environmentId}` },
  );
  return r.environmentPatchCommitStaged;
}
