// Host mode of the rewriter: whole hosts only, any letter case, longest first, order-free, in
// every stored form (plain, serialized, nested, JSON-escaped, URL-encoded, protocol-relative, bare).
import { describe, expect, it } from 'vitest';
import { createRewriter, isValidSerialized } from '../../src/data/rewrite/index.js';
import {
  bytesMayHoldHost,
  countHost,
  hostSearch,
  isWholeHostAt,
  validateHostPairs,
} from '../../src/data/rewrite/hosts.js';
import { ValidationError } from '../../src/util/errors.js';

const STG = 'stg.up.railway.app';
const pairs = [
  { from: 'example-shop.com', to: STG },
  { from: 'www.example-shop.com', to: STG },
];
const hostRw = (p = pairs) => createRewriter([], { hosts: p });
const ser = (s: string) => `s:${Buffer.byteLength(s)}:"${s}";`;

/** rewrite(), rewriteBuffer() and rewriteLatin1() must agree byte for byte. */
function all(value: string, p = pairs): string {
  const rw = hostRw(p);
  const viaString = rw.rewrite(value);
  const buf = Buffer.from(value, 'utf8');
  expect(rw.rewriteBuffer(buf).toString('utf8')).toBe(viaString);
  expect(Buffer.from(rw.rewriteLatin1(buf.toString('latin1')), 'latin1').toString('utf8')).toBe(viaString);
  return viaString;
}

describe('host mode: whole hosts only', () => {
  it('the case from issue 17: www and apex rewritten, cdn / e-mail / other company left alone', () => {
    const input =
      'https://www.example-shop.com/a  https://cdn.example-shop.com/c.png  info@example-shop.com  https://myexample-shop.com/';
    expect(all(input)).toBe(
      `https://${STG}/a  https://cdn.example-shop.com/c.png  info@example-shop.com  https://myexample-shop.com/`,
    );
  });

  it('gives the same result whatever the order of the pairs', () => {
    const input = 'https://www.example-shop.com/a https://example-shop.com/b www.example-shop.com';
    expect(all(input, [...pairs].reverse())).toBe(all(input, pairs));
    expect(all(input)).toBe(`https://${STG}/a https://${STG}/b ${STG}`);
  });

  it('never matches inside a longer host', () => {
    for (const v of [
      'https://example-shop.com.au/x',
      'https://example-shop.community/',
      'https://my-example-shop.com/',
      'https://sub.www.example-shop.com/',
      'example-shop.com_backup',
    ])
      expect(all(v)).toBe(v);
  });

  it('ends a host at a port, path, query, quote, space, sentence dot or end of text', () => {
    expect(all('example-shop.com:8080')).toBe(`${STG}:8080`);
    expect(all('See example-shop.com. Then')).toBe(`See ${STG}. Then`);
    expect(all('"www.example-shop.com"')).toBe(`"${STG}"`);
    expect(all('https://example-shop.com?x=1#y')).toBe(`https://${STG}?x=1#y`);
  });

  it('leaves e-mail domains alone, also in mailto: and URL-encoded forms', () => {
    for (const v of ['mailto:info@example-shop.com', 'info%40example-shop.com', 'a@www.example-shop.com'])
      expect(all(v)).toBe(v);
  });

  it('compares hosts case-insensitively, never paths', () => {
    expect(all('HTTPS://WWW.EXAMPLE-SHOP.COM/Path/To')).toBe(`HTTPS://${STG}/Path/To`);
    expect(all('https://Example-Shop.Com/example-shop.com/')).toBe(`https://${STG}/${STG}/`);
  });

  it('rewrites JSON-escaped, URL-encoded (once and twice), protocol-relative and bare hosts', () => {
    expect(all('{"url":"https:\\/\\/www.example-shop.com\\/img.png"}')).toBe(
      `{"url":"https:\\/\\/${STG}\\/img.png"}`,
    );
    expect(all('u=https%3A%2F%2Fwww.example-shop.com%2Fcart')).toBe(`u=https%3A%2F%2F${STG}%2Fcart`);
    expect(all('u=https%253A%252F%252Fexample-shop.com%252F')).toBe(`u=https%253A%252F%252F${STG}%252F`);
    expect(all('u=https%3a%2f%2fexample-shop.com')).toBe(`u=https%3a%2f%2f${STG}`);
    expect(all('<img src="//www.example-shop.com/a.png">')).toBe(`<img src="//${STG}/a.png">`);
    expect(all('example-shop.com')).toBe(STG); // wp_blogs.domain / wp_site.domain
    expect(all('WWW.Example-Shop.com')).toBe(STG);
  });

  it('fixes serialized lengths, in nested and double-serialized values', () => {
    const inner = `a:1:{s:4:"logo";${ser('https://www.example-shop.com/logo.png')}}`;
    const v = `a:3:{s:3:"url";${ser('https://EXAMPLE-SHOP.COM/')}s:4:"mail";${ser('info@example-shop.com')}s:5:"inner";${ser(inner)}}`;
    const out = all(v);
    const innerOut = `a:1:{s:4:"logo";${ser(`https://${STG}/logo.png`)}}`;
    expect(out).toBe(
      `a:3:{s:3:"url";${ser(`https://${STG}/`)}s:4:"mail";${ser('info@example-shop.com')}s:5:"inner";${ser(innerOut)}}`,
    );
    expect(isValidSerialized(out)).toBe(true);
  });

  it('leaves values without a source host identical (same string)', () => {
    const rw = hostRw();
    const v = 'no host here, only example-shop.co and shop.com';
    expect(rw.rewrite(v)).toBe(v);
    expect(rw.mayChange('xx EXAMPLE-shop.COM')).toBe(true);
    expect(rw.mayChange('nothing')).toBe(false);
  });

  it('combines with literal pairs: literal first, then hosts', () => {
    const rw = createRewriter([{ from: '/wp-content/', to: '/files/' }], { hosts: pairs });
    expect(rw.rewrite('https://www.example-shop.com/wp-content/a.png')).toBe(`https://${STG}/files/a.png`);
  });

  it('a host mapped to itself is kept (request pairs may keep a CDN host)', () => {
    const rw = hostRw([...pairs, { from: 'cdn.example-shop.com', to: 'cdn.example-shop.com' }]);
    expect(rw.rewrite('https://cdn.example-shop.com/')).toBe('https://cdn.example-shop.com/');
  });
});

describe('host mode: validation and counting', () => {
  it('refuses anything that is not a host name, naming the field', () => {
    for (const bad of ['https://a.com', 'a.com/x', 'a.com:80', 'a@b.com', '', 'a..com'])
      expect(() => validateHostPairs([{ from: bad, to: 'b.com' }])).toThrow(ValidationError);
    expect(() =>
      validateHostPairs([
        { from: 'a.com', to: 'b.com' },
        { from: 'A.com', to: 'c.com' },
      ]),
    ).toThrow(/mapped twice/);
  });

  it('counts whole-host occurrences with the rewrite rule', () => {
    expect(
      countHost(
        'https://example-shop.com/ cdn.example-shop.com info@example-shop.com EXAMPLE-SHOP.COM',
        hostSearch(['example-shop.com']),
      ),
    ).toBe(2);
    expect(countHost('localhost:3000 and mylocalhost', hostSearch(['LocalHost']))).toBe(1);
  });
});

describe('host mode: the anchored search finds what a plain case-insensitive search finds', () => {
  // Reference: every case-insensitive occurrence (RegExp), kept when isWholeHostAt says whole.
  const reference = (value: string, hosts: string[]): [number, string][] => {
    const re = new RegExp(hosts.map((h) => h.replace(/[.-]/g, '\\$&')).join('|'), 'gi');
    const out: [number, string][] = [];
    for (let m = re.exec(value); m !== null; m = re.exec(value)) {
      if (isWholeHostAt(value, m.index, m.index + m[0].length)) out.push([m.index, m[0].toLowerCase()]);
      else re.lastIndex = m.index + 1;
    }
    return out;
  };
  let seed = 7;
  const rand = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
  const randomCase = (s: string) => [...s].map((ch) => (rand(2) ? ch.toUpperCase() : ch)).join('');
  const glue = ['', '.', '-', '/', '@', ' ', 'a', 'X', 'x', '1', '%2F', '\\/', '"', 'é', '漢'];

  it('on random text with hosts of every anchor kind, in any case, long and short', () => {
    const sets = [
      ['example-shop.com', 'www.example-shop.com'],
      ['staging-abc123.up.railway.app', 'localhost', 'a.io'],
      ['10.0.0.1', 'x.com', 'www.x.com'],
    ];
    for (const hosts of sets) {
      const search = hostSearch(hosts);
      const rw = createRewriter([], { hosts: hosts.map((h) => ({ from: h, to: 'new.example.net' })) });
      for (let i = 0; i < 400; i++) {
        let v = '';
        const parts = 1 + rand(i % 10 === 0 ? 200 : 8);
        for (let k = 0; k < parts; k++) {
          v += glue[rand(glue.length)] as string;
          if (rand(3) === 0) v += randomCase(hosts[rand(hosts.length)] as string);
          else v += 'lorem xx ipsum.'.slice(rand(10));
        }
        const want = reference(v, hosts);
        expect(countHost(v, search)).toBe(want.length);
        const held = new RegExp(hosts.map((h) => h.replace(/[.-]/g, '\\$&')).join('|'), 'i').test(v);
        expect(rw.mayChange(v)).toBe(held);
        expect(bytesMayHoldHost(Buffer.from(v, 'latin1'), search)).toBe(held);
        let expected = '';
        let kept = 0;
        for (const [at, h] of want) {
          expected += v.slice(kept, at) + 'new.example.net';
          kept = at + h.length;
        }
        expect(rw.rewrite(v)).toBe(expected + v.slice(kept));
      }
    }
  });
});
