// What a clone's request comes to for masking and a quiet staging WordPress: the engines' mask
// options (one key for every database of the clone, so an e-mail masks alike across them), the
// plan's lines, and the variable that turns WP-Cron off in the official WordPress image.
import { describeMask, type MaskOptions } from '../data/mask/index.js';
import { maskSettings, type CloneRequest } from '../inputs/index.js';

/** Undefined when nothing is masked or quietened (a `prod` copy by default). */
export function maskOptionsFor(request: CloneRequest, key?: string): MaskOptions | undefined {
  const s = maskSettings(request);
  const quiet = {
    searchEngines: s.quiet.search_engines,
    webhooks: s.quiet.webhooks,
    notificationEmails: s.quiet.notification_emails,
  };
  if (!s.builtins && s.rules.length === 0 && !Object.values(quiet).some(Boolean)) return undefined;
  return { builtins: s.builtins, rules: s.rules, quiet, ...(key ? { key } : {}) };
}

/** For the plan: what will be masked and quietened (rules and settings only, never a value). */
export function maskPlan(request: CloneRequest): { masking: string[]; quiet_wordpress: string[] } {
  const s = maskSettings(request);
  const quiet: string[] = [];
  if (s.quiet.search_engines) quiet.push('blog_public = 0 (search engines discouraged)');
  if (s.quiet.webhooks) quiet.push('WooCommerce webhooks paused');
  if (s.quiet.notification_emails) quiet.push('admin_email and store notification addresses masked');
  if (s.quiet.cron)
    quiet.push(`WP-Cron off (${CRON_OFF}) in WORDPRESS_CONFIG_EXTRA of services running the wordpress image`);
  return {
    masking: s.builtins || s.rules.length ? describeMask(maskOptionsFor(request)) : ['nothing is masked'],
    quiet_wordpress: quiet.length ? quiet : ['off'],
  };
}

const CRON_OFF = "define('DISABLE_WP_CRON', true);";

/** The official image (docker.io/library/wordpress, any tag) reads WORDPRESS_CONFIG_EXTRA. */
export function isWordPressImage(image: string | null | undefined): boolean {
  return /^(?:docker\.io\/)?(?:library\/)?wordpress(?:[:@]|$)/i.test(image ?? '');
}

/**
 * Variables that keep a cloned WordPress from firing WP-Cron (scheduled posts, e-mails, webhooks):
 * the source's WORDPRESS_CONFIG_EXTRA with DISABLE_WP_CRON added. Empty when the service does not
 * run the official image, the request turned it off, or the request sets the variable itself.
 */
export function quietVariables(
  request: CloneRequest,
  service: { name: string; wordpress?: boolean },
  sourceVars: Record<string, string>,
): Record<string, string> {
  if (!service.wordpress || !maskSettings(request).quiet.cron) return {};
  if (request.variable_overrides[service.name]?.WORDPRESS_CONFIG_EXTRA !== undefined) return {};
  const current = sourceVars.WORDPRESS_CONFIG_EXTRA ?? '';
  if (current.includes('DISABLE_WP_CRON')) return {};
  return { WORDPRESS_CONFIG_EXTRA: current ? `${current}\n${CRON_OFF}` : CRON_OFF };
}
