// configure-basic-auth: staging is private. Random credentials go into HTTP_AUTH_USER / HTTP_AUTH_PASSWORD
// on every web service; the password leaves this step only encrypted (or not at all without a key).
import { randomBytes } from 'node:crypto';
import type { Step } from '../context.js';
import { cloneProjectId } from '../state.js';
import { newPassword } from '../random.js';
import { registerPublic } from '../../util/secrets.js';
import { encryptForOutput } from '../output-crypto.js';

export const configureBasicAuth: Step = async (ctx) => {
  const { railway, request, state, log } = ctx;
  if (!request.enable_basic_auth) {
    log.warn('enable_basic_auth is false: the staging site is public');
    return { state, outputs: { enabled: false } };
  }
  const web = (state.services ?? []).filter((s) => !s.engine);
  const user = state.basic_auth_user ?? `staging-${randomBytes(3).toString('hex')}`;
  // The user name is shown to whoever asked for the clone; only the password is secret.
  registerPublic(user);
  const password = newPassword(18);
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
