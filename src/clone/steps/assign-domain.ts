// assign-domain: the custom domain when one was asked for (checked with customDomainAvailable first),
// else the clone's Railway domain.
import { StepError } from '../../util/errors.js';
import type { Step } from '../context.js';
import { primaryWebService } from '../host-map.js';
import { cloneProjectId } from '../state.js';

export const assignDomain: Step = async (ctx) => {
  const { railway, request, state, log } = ctx;
  const web = primaryWebService(state.services ?? []);
  if (!web) {
    log.info('no web service: no domain to assign');
    return { state, outputs: { staging_url: null } };
  }
  const scope = { projectId: cloneProjectId(state), environmentId: state.environment_id!, serviceId: web.id };
  const domains = await railway.listDomains(scope);
  let host: string;
  if (request.custom_domain) {
    host = request.custom_domain;
    if (!domains.customDomains.some((d) => d.domain === host)) {
      const availability = await railway.customDomainAvailable(host);
      if (!availability.available) {
        throw new StepError(
          'assign-domain',
          `custom domain ${host} is not available: ${availability.message}`,
        );
      }
      await railway.createCustomDomain({ ...scope, domain: host });
      log.info(`${web.name}: custom domain ${host} added; point its DNS at Railway as the dashboard shows`);
    }
  } else {
    host = (
      domains.serviceDomains[0] ??
      (await railway.createServiceDomain({ environmentId: scope.environmentId, serviceId: web.id }))
    ).domain;
  }
  const stagingUrl = `https://${host}`;
  log.info(`staging URL: ${stagingUrl}`);
  return { state: { ...state, staging_host: host }, outputs: { staging_url: stagingUrl, service: web.name } };
};
