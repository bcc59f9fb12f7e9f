// Who is on the other end of the socket. X-Forwarded-For is believed only when the socket peer is a proxy
// listed in RAILCLONE_TRUSTED_PROXIES, and then read from the right: each trusted hop is skipped, the first
// address that is not a trusted proxy is the client (a client cannot prepend its way past a proxy).
import { BlockList, isIP } from 'node:net';
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

export interface ClientAddress {
  /** The address the audit records: the client as far as trusted proxies vouch, else the socket peer. */
  remote: string | null;
}

/** Checks a list of addresses / CIDR ranges; throws with the bad entry so config errors name it. */
export function trustedProxyList(entries: string[]): BlockList {
  const list = new BlockList();
  for (const raw of entries) {
    const [addr, bits, extra] = raw.split('/');
    const family = isIP(addr ?? '');
    if (!family || extra !== undefined) throw new Error(`not an IP address or CIDR range: ${raw}`);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr!, type);
    else {
      const n = Number(bits);
      if (!/^\d{1,3}$/.test(bits) || n > (family === 6 ? 128 : 32))
        throw new Error(`not an IP address or CIDR range: ${raw}`);
      list.addSubnet(addr!, n, type);
    }
  }
  return list;
}

const unmapped = (a: string) => (a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a);

function isTrusted(list: BlockList, addr: string): boolean {
  const a = unmapped(addr);
  const family = isIP(a);
  return family !== 0 && list.check(a, family === 6 ? 'ipv6' : 'ipv4');
}

export function clientAddress(c: Context, trusted: BlockList | null): ClientAddress {
  let peer: string | null;
  try {
    peer = getConnInfo(c).remote.address ?? null;
  } catch {
    peer = null; // not served by @hono/node-server (app.request in a test)
  }
  if (!peer) return { remote: null };
  peer = unmapped(peer);
  if (!trusted || !isTrusted(trusted, peer)) return { remote: peer };
  const hops = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = unmapped(hops[i]!);
    if (!isIP(hop)) break; // garbage: stop at the last address a trusted proxy wrote
    client = hop;
    if (!isTrusted(trusted, hop)) break;
  }
  return { remote: client };
}
