// Column (and serialized/JSON key) names that hold personal data in any schema. Order matters:
// `ip_address` is an IP, `email_address` an e-mail, only then `address*` an address.
import type { Strategy } from './strategies.js';

export const NAME_PATTERNS: readonly { pattern: RegExp; strategy: Strategy; shown: string }[] = [
  { pattern: /(^|_)ip(_address)?$/i, strategy: 'ip', shown: 'ip, *_ip, ip_address' },
  { pattern: /(^|_)e_?mail(_address)?$/i, strategy: 'email', shown: 'email, *_email' },
  {
    pattern: /(^|_)(phone|mobile|telephone)(_number)?$/i,
    strategy: 'phone',
    shown: 'phone, *_phone, mobile',
  },
  {
    pattern: /(^|_)(first|last|middle|full)_?name$/i,
    strategy: 'name',
    shown: 'first_name, last_name, *_first_name…',
  },
  {
    pattern: /(^|_)address(_?\d+|_line_?\d+)?$|^address/i,
    strategy: 'address',
    shown: 'address*, *_address, *_address_1',
  },
];

/** `user_pass` is never touched, whatever a rule says (hashed passwords; wp-cli's rule too). */
export const NEVER_MASKED = new Set(['user_pass']);

export function strategyForName(name: string): Strategy | undefined {
  if (NEVER_MASKED.has(name.toLowerCase())) return undefined;
  for (const p of NAME_PATTERNS) if (p.pattern.test(name)) return p.strategy;
  return undefined;
}
