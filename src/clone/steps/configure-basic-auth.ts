// configure-basic-auth: staging is private. Random credentials go into HTTP_AUTH_USER / HTTP_AUTH_PASSWORD
// on every web service; the password leaves this step only encrypted (or not at all without a key).
// A second run (Kestra resubmits a task whose worker died) keeps the credentials the first one set.
import { randomBytes } from 'node:crypto';
import type { Step, StepContext } from '../context.js';
import { cloneProjectId, sourceServiceId, type ServicePlan } from '../state.js';
import { newPassword } from '../random.js';
import { registerPublic, registerSecret } from '../../util/secrets.js';
import { encryptForOutput } from '../output-crypto.js';

export const configureBasicAuth: Step = async (ctx) => {
  const { railway, request, state, log } = ctx;
  if (!request.enable_basic_auth) {
    log.warn('enable_basic_auth is false: the staging site is public');
    return { state, outputs: { enabled: false } };
  }
  const web = (state.services ?? []).filter((s) => !s.engine);
  const earlier = web[0] ? await earlierCredentials(ctx, web[0]) : null;
  const user = state.basic_auth_user ?? earlier?.user ?? `staging-${randomBytes(3).toString('hex')}`;
  // The user name is shown to whoever asked for the clone; only the password is secret.
  registerPublic(user);
  const password = earlier?.password ?? newPassword(18);
  for (const service of web) {
    await railway.upsertVariables({
      projectId: cloneProjectId(state),
      environmentId: state.environment_id!,
      serviceId: service.id,
      variables: { HTTP_AUTH_USER: user, HTTP_AUTH_PASSWORD: password },
      skipDeploys: true,
    });
  }
  log.info(`basic auth set on ${web.map((s) => s.name).join(', ') || 'no web service'} for user ${user}`);
  if (!ctx.outputKey)
    log.warn(
      'RAILCLONE_OUTPUT_KEY is not set: the password is not output; read HTTP_AUTH_PASSWORD in Railway',
    );
  return {
    state: { ...state, basic_auth_user: user },
    outputs: {
      enabled: true,
      basic_auth_user: user,
      basic_auth_password_encrypted: ctx.outputKey ? encryptForOutput(password, ctx.outputKey) : null,
    },
  };
};

/** Credentials an earlier run of this step set on the clone: there, and not the ones copied from the source. */
async function earlierCredentials(
  ctx: StepContext,
  service: ServicePlan,
): Promise<{ user: string; password: string } | null> {
  const { railway, state } = ctx;
  const [clone, source] = await Promise.all([
    railway.getVariables({
      projectId: cloneProjectId(state),
      environmentId: state.environment_id!,
      serviceId: service.id,
      unrendered: true,
    }),
    railway.getVariables({
      projectId: state.project_id!,
      environmentId: state.source_environment_id!,
      serviceId: sourceServiceId(service),
      unrendered: true,
    }),
  ]);
  const user = clone.HTTP_AUTH_USER;
  const password = clone.HTTP_AUTH_PASSWORD;
  registerSecret(password);
  if (!user || !password || password === source.HTTP_AUTH_PASSWORD) return null;
  return { user, password };
}
