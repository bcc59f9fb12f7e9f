// Byte-exactness and edge cases of the per-value rewriter and the column rules.
import { describe, expect, it } from 'vitest';
import {
  createRewriter,
  escapedForms,
  looksSerialized,
  shouldRewriteColumn,
  skipList,
  parseColumnList,
} from '../../src/data/rewrite/index.js';
import { ValidationError } from '../../src/util/errors.js';

const rw = () => createRewriter([{ from: 'http://old.example', to: 'https://new.example' }]);

describe('rewrite: byte exactness', () => {
  it('keeps float text exactly (no PHP re-rendering)', () => {
    const v =
      'a:3:{s:1:"f";d:0.1000000000000000055511151231257827;s:1:"u";s:22:"http://old.example/img";s:1:"g";d:54.26483359085116;}';
    expect(rw().rewrite(v)).toBe(
      'a:3:{s:1:"f";d:0.1000000000000000055511151231257827;s:1:"u";s:23:"https://new.example/img";s:1:"g";d:54.26483359085116;}',
    );
  });

  it('rewrites inside objects of unknown classes and keeps the class and property names', () => {
    const v = 'O:14:"Unknown\\Widget":2:{s:6:"\0*\0url";s:18:"http://old.example";s:3:"cnt";i:-4;}';
    expect(rw().rewrite(v)).toBe(
      'O:14:"Unknown\\Widget":2:{s:6:"\0*\0url";s:19:"https://new.example";s:3:"cnt";i:-4;}',
    );
  });

  it('never rewrites array keys', () => {
    const v = 'a:1:{s:18:"http://old.example";s:18:"http://old.example";}';
    expect(rw().rewrite(v)).toBe('a:1:{s:18:"http://old.example";s:19:"https://new.example";}');
  });

  it('counts multibyte payloads in UTF-8 bytes', () => {
    const v = 's:25:"http://old.example/é漢";';
    expect(Buffer.byteLength('http://old.example/é漢')).toBe(24);
    // declared 25 is wrong for a 24-byte payload: malformed, left alone
    const r = rw();
    expect(r.rewrite(v)).toBe(v);
    expect(r.stats.malformed).toBe(1);
    expect(r.rewrite('s:24:"http://old.example/é漢";')).toBe('s:25:"https://new.example/é漢";');
  });

  it('double serialization: the nested value gets its own lengths fixed, then the outer one', () => {
    const inner = 'a:1:{i:0;s:18:"http://old.example";}';
    const v = `s:${inner.length}:"${inner}";`;
    const innerNew = 'a:1:{i:0;s:19:"https://new.example";}';
    expect(rw().rewrite(v)).toBe(`s:${innerNew.length}:"${innerNew}";`);
  });

  it('leaves C: custom-serialized payloads, references, booleans and null verbatim', () => {
    const v =
      'a:5:{i:0;C:11:"ArrayObject":21:{x:i:0;a:0:{};m:a:0:{}}i:1;s:18:"http://old.example";i:2;r:2;i:3;b:1;i:4;N;}';
    expect(rw().rewrite(v)).toBe(
      'a:5:{i:0;C:11:"ArrayObject":21:{x:i:0;a:0:{};m:a:0:{}}i:1;s:19:"https://new.example";i:2;r:2;i:3;b:1;i:4;N;}',
    );
    const inC = 'C:11:"ArrayObject":18:{http://old.example}';
    expect(rw().rewrite(inC)).toBe(inC);
  });

  it('keeps surrounding whitespace of a serialized value', () => {
    expect(rw().rewrite('  s:18:"http://old.example";\n')).toBe('  s:19:"https://new.example";\n');
  });

  it('leaves malformed serialized-looking values byte-identical', () => {
    for (const v of [
      'a:2:{s:18:"http://old.example";}',
      's:18:"http://old.example";garbage;',
      'O:3:"Foo":1:{s:1:"u";s:18:"http://old.example"}',
    ]) {
      const r = rw();
      expect(r.rewrite(v)).toBe(v);
      expect(r.stats.malformed).toBe(1);
    }
  });

  it('replaces the JSON-escaped form (PHP json_encode style) in plain and serialized text', () => {
    expect(escapedForms({ from: 'http://old.example', to: 'https://new.example' })).toEqual([
      { from: 'http://old.example', to: 'https://new.example' },
      { from: 'http:\\/\\/old.example', to: 'https:\\/\\/new.example' },
    ]);
    expect(rw().rewrite('<!-- wp:image {"url":"http:\\/\\/old.example\\/a.jpg"} -->')).toBe(
      '<!-- wp:image {"url":"https:\\/\\/new.example\\/a.jpg"} -->',
    );
    const json = '{"u":"http:\\/\\/old.example"}';
    const out = rw().rewrite(`s:${json.length}:"${json}";`);
    expect(out).toBe('s:29:"{"u":"https:\\/\\/new.example"}";');
  });

  it('non-ASCII search strings also match their \\u-escaped JSON form', () => {
    const r = createRewriter([{ from: 'https://exämple.de', to: 'https://staging.de' }]);
    expect(r.rewrite('{"u":"https:\\/\\/ex\\u00e4mple.de"}')).toBe('{"u":"https:\\/\\/staging.de"}');
  });

  it('returns the same string / Buffer when nothing matches', () => {
    const r = rw();
    const s = 'a:1:{s:3:"url";s:20:"http://other.example";}';
    expect(r.rewrite(s)).toBe(s);
    const b = Buffer.from(s);
    expect(r.rewriteBuffer(b)).toBe(b);
    expect(r.stats).toEqual({ values: 2, changed: 0, malformed: 0 });
  });

  it('rewriteBuffer is byte-exact on non-UTF-8 data', () => {
    const payload = Buffer.concat([Buffer.from('http://old.example'), Buffer.from([0xff, 0xfe])]);
    const v = Buffer.concat([Buffer.from(`s:${payload.length}:"`), payload, Buffer.from('";')]);
    const out = rw().rewriteBuffer(v);
    expect(out).toEqual(
      Buffer.concat([Buffer.from('s:21:"https://new.example'), Buffer.from([0xff, 0xfe]), Buffer.from('";')]),
    );
  });

  it('case-insensitive mode folds ASCII letters only', () => {
    const r = createRewriter([{ from: 'http://Old.Example', to: 'https://new.example' }], {
      caseSensitive: false,
    });
    expect(r.rewrite('x HTTP://OLD.example y')).toBe('x https://new.example y');
    expect(r.rewrite('s:18:"http://old.EXAMPLE";')).toBe('s:19:"https://new.example";');
    expect(createRewriter([{ from: 'Ä', to: 'x' }], { caseSensitive: false }).rewrite('ä')).toBe('ä');
    expect(rw().rewrite('HTTP://OLD.EXAMPLE')).toBe('HTTP://OLD.EXAMPLE');
  });

  it('replacement strings with $ patterns are inserted literally', () => {
    expect(createRewriter([{ from: 'old', to: "$&$1$'" }]).rewrite('an old one')).toBe("an $&$1$' one");
  });

  it('pairs apply in order, each to the result of the previous one', () => {
    const r = createRewriter([
      { from: 'http://a.example', to: 'https://a.example' },
      { from: 'https://a.example', to: 'https://b.example' },
    ]);
    expect(r.rewrite('s:16:"http://a.example";')).toBe('s:17:"https://b.example";');
  });

  it('rejects an empty search string, naming the field', () => {
    expect(() => createRewriter([{ from: '', to: 'x' }])).toThrow(ValidationError);
    expect(() => createRewriter([{ from: '', to: 'x' }])).toThrow(/pairs\[0\]\.from|must not be empty/);
  });

  it('looksSerialized mirrors WordPress is_serialized (strict)', () => {
    expect(looksSerialized('a:0:{}')).toBe(true);
    expect(looksSerialized(' N; ')).toBe(true);
    expect(looksSerialized('b:1;')).toBe(true);
    expect(looksSerialized('s:3 is not serialized')).toBe(false);
    expect(looksSerialized('hello')).toBe(false);
  });
});

describe('column rules', () => {
  it('user_pass is always skipped, whatever the list says', () => {
    expect(shouldRewriteColumn('wp_users', 'user_pass', [])).toBe(false);
    expect(shouldRewriteColumn('wp_users', 'USER_PASS')).toBe(false);
    expect(shouldRewriteColumn('wp_users', 'user_url', [])).toBe(true);
  });
  it('bare and table-qualified entries; guid only by flag', () => {
    const skip = parseColumnList('post_excerpt, wp_options.option_value,');
    expect(skip).toEqual(['post_excerpt', 'wp_options.option_value']);
    expect(shouldRewriteColumn('wp_posts', 'post_excerpt', skip)).toBe(false);
    expect(shouldRewriteColumn('wp_options', 'option_value', skip)).toBe(false);
    expect(shouldRewriteColumn('wp_sitemeta', 'option_value', skip)).toBe(true);
    expect(shouldRewriteColumn('wp_posts', 'guid', skip)).toBe(true);
    expect(shouldRewriteColumn('wp_posts', 'guid', skipList(skip, { skipGuid: true }))).toBe(false);
  });
});
