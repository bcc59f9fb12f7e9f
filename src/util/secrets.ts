// Secrets stay secret: every value registered here is masked in whatever we print or output.
// Railway variable values, tokens, passwords and API keys are registered the moment we read them.

const MASK = '***';
const secrets = new Set<string>();
// Names we print on purpose (environment, service and project names, domains). A variable whose
// value is exactly one of these (APP_ENV=production) is not worth hiding, and masking it would blind
// every log line that names the environment.
const publicValues = new Set<string>();
// Short values would mask ordinary words; real secrets are longer.
const MIN_SECRET_LENGTH = 6;

export function registerSecret(value: string | undefined | null): void {
  if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH) secrets.add(value);
}

export function registerSecrets(values: Iterable<string | undefined | null>): void {
  for (const v of values) registerSecret(v);
}

/** Marks a value as public: it is never masked even if a variable happens to hold it. */
export function registerPublic(value: string | undefined | null): void {
  if (typeof value === 'string' && value.length > 0) publicValues.add(value);
}

/** Masks registered secrets and the password part of any URL in `text`. */
export function redact(text: string): string {
  let out = text;
  // Longest first so a secret containing another is masked whole.
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (publicValues.has(s)) continue;
    if (out.includes(s)) out = out.split(s).join(MASK);
  }
  return maskUrlPasswords(out);
}

/** `scheme://user:pass@host` → `scheme://user:***@host`, anywhere in the text. */
export function maskUrlPasswords(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:)([^@\s]+)(@)/gi, `$1${MASK}$3`);
}

/** For tests: forget every registered secret. */
export function clearSecrets(): void {
  secrets.clear();
  publicValues.clear();
}
