// Rows of a small but realistic WordPress shop blog, built from a seeded PRNG so every run gives the
// same data for the same site URL. It holds the shapes a URL rewrite must survive: absolute URLs in
// content and guids, Gutenberg block comments with JSON-escaped URLs (`https:\/\/…`), PHP-serialized
// options and meta (nested arrays, a stdClass object, floats, a double-serialized string, `";` inside
// strings), multibyte text and emoji, NULL meta values, zero dates on drafts, password hashes.
import { createPrng } from './prng.js';
import { PhpObject, phpSerialize, type PhpValue } from './php-serialize.js';

export type Cell = string | number | null;
export interface TableRows {
  columns: string[];
  rows: Cell[][];
}
/** Table name without prefix → rows, in insertion order. */
export type WordPressData = Record<string, TableRows>;

const ZERO_DATE = '0000-00-00 00:00:00';
const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BCRYPT64 = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const WORDS = [
  'coffee',
  'roast',
  'espresso',
  'bean',
  'grinder',
  'filter',
  'brew',
  'crema',
  'origin',
  'harvest',
  'ceramic',
  'kettle',
  'morning',
  'ritual',
  'barista',
  'latte',
  'pour-over',
  'aroma',
  'single',
  'blend',
];
const FANCY = [
  'Café crème ☕',
  'Größe & Qualität',
  '日本のコーヒー',
  'Ñandú rápido',
  'Ελληνικός καφές',
  'Кофе 🎉',
  'naïve façade',
  '👩‍🍳 Chef’s pick',
];
const TAGS = [
  'espresso',
  'filter',
  'latte-art',
  'équipement',
  'origin-trip',
  'decaf',
  'cold-brew',
  'モカ',
  'recipes',
  'news',
];

const pad = (n: number) => String(n).padStart(2, '0');
function sqlDate(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}
/** WordPress keeps local time (here UTC+2, Europe/Berlin in summer) next to GMT. */
function dates(gmt: Date): [string, string] {
  return [sqlDate(new Date(gmt.getTime() + 2 * 3600_000)), sqlDate(gmt)];
}
/** JSON-escapes as PHP's json_encode does by default: `/` becomes `\/`. */
function phpJson(value: unknown): string {
  return JSON.stringify(value).replace(/\//g, '\\/');
}
function slugify(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'post'
  );
}

class Table {
  readonly rows: Cell[][] = [];
  private nextId = 1;
  constructor(readonly columns: string[]) {}
  /** Adds a row; `values` omits the auto-increment id, which is returned. */
  add(values: Record<string, Cell>): number {
    const id = this.nextId++;
    this.rows.push(
      this.columns.map((c, i) => (c in values ? (values[c] as Cell) : i === 0 ? id : defaultFor(c))),
    );
    return id;
  }
}
// Columns whose default is not '' (so `add` can omit them).
function defaultFor(column: string): Cell {
  if (/_date(_gmt)?$|^post_modified|^user_registered$|^link_updated$/.test(column)) return ZERO_DATE;
  if (
    /^(post_author|post_parent|menu_order|comment_count|comment_karma|comment_parent|user_id|user_status|term_group|parent|count|term_order|link_rating)$/.test(
      column,
    )
  )
    return 0;
  return '';
}

export function buildWordPressData(siteUrl: string, seed = 20240601): WordPressData {
  const rnd = createPrng(seed);
  const site = siteUrl.replace(/\/+$/, '');
  const host = new URL(site).host;
  const escapedSite = site.replace(/\//g, '\\/');
  const words = (n: number) => Array.from({ length: n }, () => rnd.pick(WORDS)).join(' ');
  const sentence = () => {
    const s = `${words(rnd.int(6, 14))}${rnd.chance(0.3) ? ` — ${rnd.pick(FANCY)}` : ''}.`;
    return s[0]!.toUpperCase() + s.slice(1);
  };

  const users = new Table([
    'ID',
    'user_login',
    'user_pass',
    'user_nicename',
    'user_email',
    'user_url',
    'user_registered',
    'user_activation_key',
    'user_status',
    'display_name',
  ]);
  const usermeta = new Table(['umeta_id', 'user_id', 'meta_key', 'meta_value']);
  const options = new Table(['option_id', 'option_name', 'option_value', 'autoload']);
  const terms = new Table(['term_id', 'name', 'slug', 'term_group']);
  const termTaxonomy = new Table([
    'term_taxonomy_id',
    'term_id',
    'taxonomy',
    'description',
    'parent',
    'count',
  ]);
  const termmeta = new Table(['meta_id', 'term_id', 'meta_key', 'meta_value']);
  const posts = new Table([
    'ID',
    'post_author',
    'post_date',
    'post_date_gmt',
    'post_content',
    'post_title',
    'post_excerpt',
    'post_status',
    'comment_status',
    'ping_status',
    'post_password',
    'post_name',
    'to_ping',
    'pinged',
    'post_modified',
    'post_modified_gmt',
    'post_content_filtered',
    'post_parent',
    'guid',
    'menu_order',
    'post_type',
    'post_mime_type',
    'comment_count',
  ]);
  const postmeta = new Table(['meta_id', 'post_id', 'meta_key', 'meta_value']);
  const termRelationships = new Table(['object_id', 'term_taxonomy_id', 'term_order']);
  const comments = new Table([
    'comment_ID',
    'comment_post_ID',
    'comment_author',
    'comment_author_email',
    'comment_author_url',
    'comment_author_IP',
    'comment_date',
    'comment_date_gmt',
    'comment_content',
    'comment_karma',
    'comment_approved',
    'comment_agent',
    'comment_type',
    'comment_parent',
    'user_id',
  ]);
  const commentmeta = new Table(['meta_id', 'comment_id', 'meta_key', 'meta_value']);
  const links = new Table([
    'link_id',
    'link_url',
    'link_name',
    'link_image',
    'link_target',
    'link_description',
    'link_visible',
    'link_owner',
    'link_rating',
    'link_updated',
    'link_rel',
    'link_notes',
    'link_rss',
  ]);

  // --- users: a bcrypt hash (WordPress ≥ 6.8) and an older phpass portable hash.
  const people = [
    {
      login: 'admin',
      name: 'Shop Admin',
      email: 'admin@example-shop.com',
      role: 'administrator',
      hash: `$wp$2y$10$${rnd.chars(53, BCRYPT64)}`,
    },
    {
      login: 'zoe',
      name: 'Zoë Müller',
      email: 'zoe@example-shop.com',
      role: 'editor',
      hash: `$P$B${rnd.chars(30, ITOA64)}`,
    },
    {
      login: 'taro',
      name: '山田太郎',
      email: 'taro@example.jp',
      role: 'author',
      hash: `$P$B${rnd.chars(30, ITOA64)}`,
    },
  ];
  let gmt = new Date(Date.UTC(2023, 0, 9, 8, 0, 0));
  const tick = (hours: number) => {
    gmt = new Date(gmt.getTime() + hours * 3600_000 + rnd.int(0, 3599) * 1000);
    return gmt;
  };
  for (const p of people) {
    const id = users.add({
      user_login: p.login,
      user_pass: p.hash,
      user_nicename: slugify(p.login),
      user_email: p.email,
      user_url: p.login === 'admin' ? site : '',
      user_registered: sqlDate(tick(1)),
      user_activation_key: p.login === 'taro' ? `1704067200:$generic$${rnd.chars(32, ITOA64)}` : '',
      display_name: p.name,
    });
    const meta: [string, Cell][] = [
      ['nickname', p.login],
      ['first_name', p.name.split(' ')[0]!],
      ['last_name', p.name.split(' ')[1] ?? ''],
      [
        'description',
        p.login === 'taro'
          ? 'コーヒーが大好きです ☕ — see my posts'
          : `Writes about coffee at ${site}/author/${p.login}/`,
      ],
      ['rich_editing', 'true'],
      ['syntax_highlighting', 'true'],
      ['comment_shortcuts', 'false'],
      ['admin_color', 'fresh'],
      ['use_ssl', '0'],
      ['show_admin_bar_front', 'true'],
      ['locale', p.login === 'taro' ? 'ja' : ''],
      ['wp_capabilities', phpSerialize({ [p.role]: true })],
      ['wp_user_level', p.role === 'administrator' ? '10' : p.role === 'editor' ? '7' : '2'],
      ['dismissed_wp_pointers', ''],
      ['wp_user-settings', 'libraryContent=browse&editor=tinymce&mfold=o'],
      ['wp_user-settings-time', String(1704067200 + id)],
      ['wp_dashboard_quick_press_last_post_id', String(900 + id)],
      [
        'session_tokens',
        phpSerialize({
          [rnd.chars(64, '0123456789abcdef')]: {
            expiration: 1735689600 + id,
            ip: `203.0.113.${10 + id}`,
            ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
            login: 1735603200 + id,
          },
        }),
      ],
      ['community-events-location', phpSerialize({ ip: '203.0.113.0' })],
      [
        'wp_persisted_preferences',
        phpSerialize({
          core: { isComplementaryAreaVisible: true, editorMode: 'visual' },
          _modified: '2024-03-02T10:11:12.000Z',
        }),
      ],
    ];
    for (const [meta_key, meta_value] of meta) usermeta.add({ user_id: id, meta_key, meta_value });
  }
  // A plugin that stored NULL under a NULL key: WordPress allows both.
  usermeta.add({ user_id: 2, meta_key: null, meta_value: null });

  // --- taxonomy
  const termIds: Record<string, number[]> = { category: [], post_tag: [], nav_menu: [] };
  const ttIds: Record<string, number[]> = { category: [], post_tag: [], nav_menu: [] };
  const addTerm = (name: string, taxonomy: string, description = '', parent = 0) => {
    const termId = terms.add({
      name,
      slug: slugify(name) === 'post' ? encodeURIComponent(name).toLowerCase() : slugify(name),
      term_group: 0,
    });
    const ttId = termTaxonomy.add({ term_id: termId, taxonomy, description, parent, count: 0 });
    termIds[taxonomy]!.push(termId);
    ttIds[taxonomy]!.push(ttId);
    return ttId;
  };
  addTerm('Uncategorized', 'category');
  const newsTt = addTerm('News', 'category', `Shop news. Subscribe at ${site}/newsletter/`);
  addTerm('Rezepte & Küche', 'category', 'Rezepte mit Kaffee ☕');
  addTerm('Events', 'category', '', 2);
  addTerm('日本', 'category', '日本のコーヒー文化');
  for (const t of TAGS) addTerm(t, 'post_tag');
  const menuTt = addTerm('Main menu', 'nav_menu');
  termmeta.add({ term_id: termIds.category![1]!, meta_key: 'order', meta_value: '1' });
  termmeta.add({ term_id: termIds.category![2]!, meta_key: 'thumbnail_id', meta_value: '3' });
  termmeta.add({ term_id: termIds.category![2]!, meta_key: 'display_type', meta_value: '' });
  termmeta.add({
    term_id: termIds.category![4]!,
    meta_key: 'acme_banner',
    meta_value: phpSerialize({
      url: `${site}/wp-content/uploads/2024/02/banner-jp.jpg`,
      alt: '日本の喫茶店',
    }),
  });
  termmeta.add({ term_id: termIds.post_tag![0]!, meta_key: 'acme_legacy', meta_value: null });
  const relate = (objectId: number, ttId: number) => {
    termRelationships.add({ object_id: objectId, term_taxonomy_id: ttId, term_order: 0 });
    const row = termTaxonomy.rows[ttId - 1]!;
    row[5] = (row[5] as number) + 1;
  };

  // --- attachments (images), with serialized attachment metadata
  const images: { id: number; file: string; url: string; width: number; height: number }[] = [];
  for (let i = 1; i <= 40; i++) {
    const when = tick(rnd.int(10, 40));
    const ym = `${when.getUTCFullYear()}/${pad(when.getUTCMonth() + 1)}`;
    const base = i % 7 === 0 ? `café-${i}` : `photo-${i}`;
    const file = `${ym}/${base}.jpg`;
    const url = `${site}/wp-content/uploads/${file}`;
    const [width, height] = rnd.pick([
      [1920, 1080],
      [1600, 1200],
      [1200, 1600],
      [2560, 1440],
    ] as const);
    const [local, g] = dates(when);
    const id = posts.add({
      post_author: rnd.int(1, 3),
      post_date: local,
      post_date_gmt: g,
      post_title: base,
      post_excerpt: i % 5 === 0 ? `Bildunterschrift: ${rnd.pick(FANCY)}` : '',
      post_status: 'inherit',
      comment_status: 'open',
      ping_status: 'closed',
      post_name: base,
      post_modified: local,
      post_modified_gmt: g,
      guid: url,
      post_type: 'attachment',
      post_mime_type: 'image/jpeg',
    });
    images.push({ id, file, url, width, height });
    const size = (w: number) => ({
      file: `${base}-${w}x${Math.round((height * w) / width)}.jpg`,
      width: w,
      height: Math.round((height * w) / width),
      'mime-type': 'image/jpeg',
      filesize: rnd.int(8_000, 300_000),
    });
    const metadata: PhpValue = {
      width,
      height,
      file,
      filesize: rnd.int(200_000, 4_000_000),
      sizes: {
        medium: size(300),
        large: size(1024),
        thumbnail: { ...size(150), width: 150, height: 150, file: `${base}-150x150.jpg` },
        medium_large: size(768),
      },
      image_meta: {
        aperture: String(rnd.pick([1.8, 2.8, 4, 5.6])),
        credit: '',
        camera: i % 3 === 0 ? 'ILCE-7M3' : '',
        caption: '',
        created_timestamp: String(1700000000 + i * 86400),
        copyright: i % 4 === 0 ? '© Example Shop' : '',
        focal_length: String(rnd.pick([23, 35, 50, 85])),
        iso: String(rnd.pick([100, 200, 400])),
        shutter_speed: String(rnd.pick([0.004, 0.008, 0.0166666666666667, 0.5])),
        title: '',
        orientation: '1',
        keywords: [],
      },
    };
    postmeta.add({ post_id: id, meta_key: '_wp_attached_file', meta_value: file });
    postmeta.add({ post_id: id, meta_key: '_wp_attachment_metadata', meta_value: phpSerialize(metadata) });
    if (i % 2 === 0)
      postmeta.add({
        post_id: id,
        meta_key: '_wp_attachment_image_alt',
        meta_value: `${rnd.pick(FANCY)} (${i})`,
      });
  }

  // --- posts with Gutenberg content
  const postIds: number[] = [];
  const postUrls: string[] = [];
  const blockImage = (img: (typeof images)[number]) =>
    `<!-- wp:image {"id":${img.id},"sizeSlug":"large","linkDestination":"media"} -->\n` +
    `<figure class="wp-block-image size-large"><a href="${img.url}"><img src="${img.url.replace('.jpg', '-1024x576.jpg')}" alt="" class="wp-image-${img.id}" srcset="${img.url} ${img.width}w, ${img.url.replace('.jpg', '-300x169.jpg')} 300w" sizes="(max-width: 1024px) 100vw, 1024px"/></a></figure>\n` +
    `<!-- /wp:image -->`;
  for (let i = 1; i <= 60; i++) {
    const when = tick(rnd.int(20, 60));
    const title =
      i % 6 === 0
        ? `${rnd.pick(FANCY)} ${i}`
        : `${words(rnd.int(2, 5))} ${i}`.replace(/^./, (c) => c.toUpperCase());
    const slug =
      i % 6 === 0
        ? `${encodeURIComponent(title.toLowerCase().replace(/\s+/g, '-'))
            .toLowerCase()
            .slice(0, 180)
            .replace(/%[0-9a-f]?$/, '')}`
        : slugify(title);
    const img = rnd.pick(images);
    const status = i % 15 === 0 ? 'draft' : i % 23 === 0 ? 'private' : 'publish';
    const blocks: string[] = [
      `<!-- wp:paragraph -->\n<p>${sentence()} Read <a href="${postUrls.length > 0 ? rnd.pick(postUrls) : `${site}/shop/`}">our earlier post</a> or visit <a href="${site}/shop/">the shop</a>.</p>\n<!-- /wp:paragraph -->`,
      blockImage(img),
      `<!-- wp:paragraph -->\n<p>${sentence()} ${sentence()}</p>\n<!-- /wp:paragraph -->`,
    ];
    if (i % 3 === 0) {
      // Cover blocks store their URL in the block comment, JSON-encoded by PHP: slashes escaped.
      blocks.unshift(
        `<!-- wp:cover ${phpJson({ url: img.url, id: img.id, dimRatio: 50, overlayColor: 'contrast', isUserOverlayColor: true, layout: { type: 'constrained' } })} -->\n` +
          `<div class="wp-block-cover"><span aria-hidden="true" class="wp-block-cover__background has-contrast-background-color has-background-dim"></span><img class="wp-block-cover__image-background wp-image-${img.id}" alt="" src="${img.url}" data-object-fit="cover"/><div class="wp-block-cover__inner-container"><!-- wp:heading {"textAlign":"center"} -->\n<h2 class="wp-block-heading has-text-align-center">${title}</h2>\n<!-- /wp:heading --></div></div>\n<!-- /wp:cover -->`,
      );
    }
    if (i % 4 === 0) {
      blocks.push(
        `<!-- wp:acme/product-card ${phpJson({ productUrl: `${site}/shop/beans-${i}/`, image: { url: img.url, alt: 'Bohnen "Spezial"' }, price: 12.5 })} /-->`,
      );
    }
    if (i % 10 === 0) {
      blocks.push(
        `<!-- wp:embed {"url":"https://www.youtube.com/watch?v=abc${i}","type":"video","providerNameSlug":"youtube"} -->\n<figure class="wp-block-embed is-type-video"><div class="wp-block-embed__wrapper">\nhttps://www.youtube.com/watch?v=abc${i}\n</div></figure>\n<!-- /wp:embed -->`,
      );
    }
    if (i % 7 === 0)
      blocks.push(
        `<!-- wp:html -->\n<script type="application/ld+json">{"@context":"https:\\/\\/schema.org","url":"${escapedSite}\\/?p=${i}"}</script>\n<!-- /wp:html -->`,
      );
    const content = blocks.join('\n\n');
    const [local, g] = dates(when);
    const draft = status === 'draft';
    const id = posts.add({
      post_author: rnd.int(1, 3),
      post_date: local,
      // Drafts that were never published keep a zero GMT date, as WordPress does.
      post_date_gmt: draft ? ZERO_DATE : g,
      post_content: content,
      post_title: title,
      post_excerpt: i % 4 === 0 ? sentence() : '',
      post_status: status,
      comment_status: i % 9 === 0 ? 'closed' : 'open',
      ping_status: 'open',
      post_password: i === 17 ? 'kaffee' : '',
      post_name: draft ? '' : slug,
      to_ping: i === 5 ? 'https://example.net/trackback/' : '',
      pinged: i === 6 ? `${site}/2023/02/older-post/\nhttps://example.org/ping/` : '',
      post_modified: local,
      post_modified_gmt: g,
      guid: `${site}/?p=${posts.rows.length + 1}`,
      post_type: 'post',
    });
    postIds.push(id);
    if (!draft) postUrls.push(`${site}/${when.getUTCFullYear()}/${pad(when.getUTCMonth() + 1)}/${slug}/`);
    relate(id, i % 5 === 0 ? newsTt : rnd.pick(ttIds.category!));
    for (const tt of new Set([rnd.pick(ttIds.post_tag!), rnd.pick(ttIds.post_tag!)])) relate(id, tt);
    postmeta.add({ post_id: id, meta_key: '_thumbnail_id', meta_value: String(img.id) });
    postmeta.add({ post_id: id, meta_key: '_edit_last', meta_value: '1' });
    postmeta.add({ post_id: id, meta_key: '_edit_lock', meta_value: `${1709000000 + i * 977}:1` });
    if (i % 4 === 0) {
      postmeta.add({
        post_id: id,
        meta_key: '_yoast_wpseo_metadesc',
        meta_value: `${rnd.pick(FANCY)} — ${sentence()}`,
      });
      postmeta.add({
        post_id: id,
        meta_key: '_yoast_wpseo_opengraph-image',
        meta_value: img.url,
      });
    }
    if (i % 5 === 0) {
      // Page-builder data: JSON with escaped slashes, stored as a plain string.
      postmeta.add({
        post_id: id,
        meta_key: '_elementor_data',
        meta_value: phpJson([
          {
            id: `a${i}b`,
            elType: 'section',
            settings: {
              background_image: { url: img.url, id: img.id },
              link: { url: `${site}/shop/`, is_external: '' },
            },
            elements: [],
          },
        ]),
      });
    }
    if (i % 6 === 0) {
      postmeta.add({
        post_id: id,
        meta_key: 'enclosure',
        meta_value: `${site}/wp-content/uploads/podcast/episode-${i}.mp3\n${rnd.int(1e6, 9e6)}\naudio/mpeg\n`,
      });
      postmeta.add({
        post_id: id,
        meta_key: '_acme_related',
        meta_value: phpSerialize([
          postIds[0]!,
          postIds[Math.floor(i / 2)]!,
          { url: rnd.pick(postUrls.length > 0 ? postUrls : [site]) },
        ]),
      });
    }
    if (i % 11 === 0) postmeta.add({ post_id: id, meta_key: '_acme_empty', meta_value: null });
    // Revisions: WordPress copies the content at each save.
    if (i % 3 === 1) {
      const [rl, rg] = dates(new Date(when.getTime() - 600_000));
      posts.add({
        post_author: 1,
        post_date: rl,
        post_date_gmt: rg,
        post_content: content.replace('<p>', '<p>Draft: '),
        post_title: title,
        post_status: 'inherit',
        comment_status: 'closed',
        ping_status: 'closed',
        post_name: `${id}-revision-v1`,
        post_modified: rl,
        post_modified_gmt: rg,
        post_parent: id,
        guid: `${site}/?p=${posts.rows.length + 1}`,
        post_type: 'revision',
      });
    }
  }

  // --- pages, menu, global styles, navigation
  const pageIds: Record<string, number> = {};
  for (const [title, status] of [
    ['Shop', 'publish'],
    ['Cart', 'publish'],
    ['Checkout', 'publish'],
    ['My account', 'publish'],
    ['About us', 'publish'],
    ['Kontakt', 'publish'],
    ['Privacy Policy', 'draft'],
    ['Sample Page', 'publish'],
    ['Über uns', 'publish'],
    ['Blog', 'publish'],
  ] as const) {
    const when = tick(5);
    const [local, g] = dates(when);
    const content =
      title === 'Privacy Policy'
        ? `<!-- wp:heading -->\n<h2 class="wp-block-heading">Who we are</h2>\n<!-- /wp:heading -->\n\n<!-- wp:paragraph -->\n<p><strong class="privacy-policy-tutorial">Suggested text: </strong>Our website address is: ${site}.</p>\n<!-- /wp:paragraph -->`
        : `<!-- wp:paragraph -->\n<p>${sentence()} <a href="${site}/kontakt/">Kontakt</a> · <a href="mailto:support@example-shop.com">support@example-shop.com</a></p>\n<!-- /wp:paragraph -->\n\n${blockImage(rnd.pick(images))}`;
    const id = posts.add({
      post_author: 1,
      post_date: local,
      post_date_gmt: status === 'draft' ? ZERO_DATE : g,
      post_content: content,
      post_title: title,
      post_status: status,
      comment_status: 'closed',
      ping_status: 'closed',
      post_name: slugify(title.replace('Ü', 'ue')),
      post_modified: local,
      post_modified_gmt: g,
      guid: `${site}/?page_id=${posts.rows.length + 1}`,
      post_type: 'page',
      menu_order: Object.keys(pageIds).length,
    });
    pageIds[title] = id;
    postmeta.add({ post_id: id, meta_key: '_wp_page_template', meta_value: 'default' });
  }
  const menuLinks: [string, string][] = [
    ['Shop', `${site}/shop/`],
    ['Blog', `${site}/blog/`],
    ['Über uns', `${site}/ueber-uns/`],
    ['Kontakt', `${site}/kontakt/`],
    ['Instagram', 'https://instagram.com/exampleshop'],
    ['Feed', `${site}/feed/`],
  ];
  menuLinks.forEach(([label, url], order) => {
    const [local, g] = dates(tick(1));
    const id = posts.add({
      post_author: 1,
      post_date: local,
      post_date_gmt: g,
      post_title: label,
      post_status: 'publish',
      comment_status: 'closed',
      ping_status: 'closed',
      post_name: slugify(label),
      post_modified: local,
      post_modified_gmt: g,
      guid: `${site}/?p=${posts.rows.length + 1}`,
      menu_order: order + 1,
      post_type: 'nav_menu_item',
    });
    relate(id, menuTt);
    for (const [k, v] of [
      ['_menu_item_type', 'custom'],
      ['_menu_item_menu_item_parent', '0'],
      ['_menu_item_object_id', String(id)],
      ['_menu_item_object', 'custom'],
      ['_menu_item_target', ''],
      ['_menu_item_classes', phpSerialize([''])],
      ['_menu_item_xfn', ''],
      ['_menu_item_url', url],
    ] as const)
      postmeta.add({ post_id: id, meta_key: k, meta_value: v });
  });
  const hero = images[0]!;
  {
    const [local, g] = dates(tick(2));
    posts.add({
      post_author: 1,
      post_date: local,
      post_date_gmt: g,
      // Global styles are JSON written by PHP: every URL has escaped slashes.
      post_content: phpJson({
        styles: {
          blocks: {
            'core/cover': {
              background: { backgroundImage: { url: hero.url, id: hero.id, source: 'file', title: 'hero' } },
            },
          },
          color: { background: '#fdf8f3' },
        },
        settings: {
          typography: {
            fontFamilies: {
              custom: [
                {
                  name: 'Inter',
                  slug: 'inter',
                  fontFamily: 'Inter, sans-serif',
                  fontFace: [{ src: [`${site}/wp-content/uploads/fonts/inter.woff2`], fontWeight: '400' }],
                },
              ],
            },
          },
        },
        isGlobalStylesUserThemeJSON: true,
        version: 3,
      }),
      post_title: 'Custom Styles',
      post_status: 'publish',
      comment_status: 'closed',
      ping_status: 'closed',
      post_name: 'wp-global-styles-twentytwentyfour',
      post_modified: local,
      post_modified_gmt: g,
      guid: `${site}/wp-global-styles-twentytwentyfour/`,
      post_type: 'wp_global_styles',
    });
    posts.add({
      post_author: 1,
      post_date: local,
      post_date_gmt: g,
      post_content: menuLinks
        .map(
          ([label, url]) =>
            `<!-- wp:navigation-link {"label":"${label}","url":"${url}","kind":"custom","isTopLevelLink":true} /-->`,
        )
        .join('\n\n'),
      post_title: 'Navigation',
      post_status: 'publish',
      comment_status: 'closed',
      ping_status: 'closed',
      post_name: 'navigation',
      post_modified: local,
      post_modified_gmt: g,
      guid: `${site}/navigation/`,
      post_type: 'wp_navigation',
    });
  }

  // --- comments (and pingbacks), akismet meta with a float timestamp
  for (let i = 1; i <= 70; i++) {
    const postIndex = rnd.int(0, postIds.length - 1);
    const postId = postIds[postIndex]!;
    const when = tick(rnd.int(1, 8));
    const [local, g] = dates(when);
    const pingback = i % 12 === 0;
    const author = pingback
      ? `Example Shop » ${words(3)}`
      : rnd.pick(['Anna', 'Jürgen', 'Łukasz', 'さくら', 'Mike O’Neil', 'Zoë Müller', 'Émile 🌱']);
    const id = comments.add({
      comment_post_ID: postId,
      comment_author: author,
      comment_author_email: pingback ? '' : `${slugify(author) || 'guest'}${i}@example.org`,
      comment_author_url: pingback ? rnd.pick(postUrls) : i % 4 === 0 ? `https://blog-${i}.example.org/` : '',
      comment_author_IP: pingback ? '127.0.0.1' : `198.51.100.${i}`,
      comment_date: local,
      comment_date_gmt: g,
      comment_content: pingback
        ? `[&#8230;] ${sentence()} [&#8230;]`
        : `${sentence()}${i % 5 === 0 ? `\nSee ${rnd.pick(postUrls)} too 👍` : ''}`,
      comment_approved: i % 17 === 0 ? 'spam' : i % 9 === 0 ? '0' : '1',
      comment_agent: pingback
        ? `WordPress/6.5.3; ${site}`
        : 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
      comment_type: pingback ? 'pingback' : 'comment',
      comment_parent: i > 5 && i % 6 === 0 ? i - 3 : 0,
      user_id: author === 'Zoë Müller' ? 2 : 0,
    });
    const countCell = posts.rows[postId - 1]!;
    countCell[22] = (countCell[22] as number) + 1;
    commentmeta.add({
      comment_id: id,
      meta_key: 'akismet_result',
      meta_value: i % 17 === 0 ? 'true' : 'false',
    });
    commentmeta.add({
      comment_id: id,
      meta_key: 'akismet_history',
      meta_value: phpSerialize({ time: 1709000000 + i * 1000 + 0.123456, event: 'check-ham', user: '' }),
    });
    if (i % 10 === 0)
      commentmeta.add({
        comment_id: id,
        meta_key: 'akismet_as_submitted',
        meta_value: phpSerialize({
          comment_author: author,
          blog: site,
          blog_lang: 'de_DE',
          permalink: rnd.pick(postUrls),
        }),
      });
  }

  // --- links (blogroll)
  for (const [name, url, rss] of [
    ['Our shop', `${site}/shop/`, `${site}/feed/`],
    ['WordPress.org', 'https://wordpress.org/', ''],
    ['Kaffeeröster-Verband', 'https://roaster.example.org/', 'https://roaster.example.org/feed/'],
  ] as const) {
    links.add({
      link_url: url,
      link_name: name,
      link_image: url.startsWith(site) ? `${site}/wp-content/uploads/logo.png` : '',
      link_target: '_blank',
      link_description: `${name} ✓`,
      link_visible: 'Y',
      link_owner: 1,
      link_rating: 0,
      link_updated: ZERO_DATE,
      link_rel: 'friend',
      link_notes: '',
      link_rss: rss,
    });
  }

  // --- options
  const opt = (name: string, value: string, autoload = 'on') =>
    options.add({ option_name: name, option_value: value, autoload });
  const ser = (name: string, value: PhpValue, autoload = 'on') => opt(name, phpSerialize(value), autoload);
  opt('siteurl', site);
  opt('home', site);
  opt('blogname', 'Example Shop ☕');
  opt('blogdescription', 'Kaffee, Bohnen & mehr — frisch geröstet');
  for (const [k, v] of [
    ['users_can_register', '0'],
    ['admin_email', 'admin@example-shop.com'],
    ['start_of_week', '1'],
    ['use_balanceTags', '0'],
    ['use_smilies', '1'],
    ['require_name_email', '1'],
    ['comments_notify', '1'],
    ['posts_per_rss', '10'],
    ['rss_use_excerpt', '0'],
    ['mailserver_url', 'mail.example.com'],
    ['mailserver_login', 'login@example.com'],
    ['mailserver_pass', 'password'],
    ['mailserver_port', '110'],
    ['default_category', '1'],
    ['default_comment_status', 'open'],
    ['default_ping_status', 'open'],
    ['default_pingback_flag', '1'],
    ['posts_per_page', '10'],
    ['date_format', 'j. F Y'],
    ['time_format', 'G:i'],
    ['links_updated_date_format', 'j. F Y G:i'],
    ['comment_moderation', '0'],
    ['moderation_notify', '1'],
    ['permalink_structure', '/%year%/%monthnum%/%postname%/'],
    ['hack_file', '0'],
    ['blog_charset', 'UTF-8'],
    ['category_base', ''],
    ['ping_sites', 'http://rpc.pingomatic.com/'],
    ['comment_max_links', '2'],
    ['gmt_offset', ''],
    ['default_email_category', '1'],
    ['template', 'twentytwentyfour'],
    ['stylesheet', 'twentytwentyfour'],
    ['comment_registration', '0'],
    ['html_type', 'text/html'],
    ['use_trackback', '0'],
    ['default_role', 'subscriber'],
    ['db_version', '57155'],
    ['uploads_use_yearmonth_folders', '1'],
    ['upload_path', ''],
    ['blog_public', '1'],
    ['default_link_category', '2'],
    ['show_on_front', 'page'],
    ['tag_base', ''],
    ['show_avatars', '1'],
    ['avatar_rating', 'G'],
    ['upload_url_path', ''],
    ['thumbnail_size_w', '150'],
    ['thumbnail_size_h', '150'],
    ['thumbnail_crop', '1'],
    ['medium_size_w', '300'],
    ['medium_size_h', '300'],
    ['avatar_default', 'mystery'],
    ['large_size_w', '1024'],
    ['large_size_h', '1024'],
    ['image_default_link_type', 'none'],
    ['image_default_size', ''],
    ['image_default_align', ''],
    ['close_comments_for_old_posts', '0'],
    ['close_comments_days_old', '14'],
    ['thread_comments', '1'],
    ['thread_comments_depth', '5'],
    ['page_comments', '0'],
    ['comments_per_page', '50'],
    ['default_comments_page', 'newest'],
    ['comment_order', 'asc'],
    ['timezone_string', 'Europe/Berlin'],
    ['page_for_posts', String(pageIds['Blog'])],
    ['page_on_front', String(pageIds['Shop'])],
    ['default_post_format', '0'],
    ['link_manager_enabled', '0'],
    ['finished_splitting_shared_terms', '1'],
    ['site_icon', String(images[1]!.id)],
    ['medium_large_size_w', '768'],
    ['medium_large_size_h', '0'],
    ['wp_page_for_privacy_policy', String(pageIds['Privacy Policy'])],
    ['show_comments_cookies_opt_in', '1'],
    ['admin_email_lifespan', '1735689600'],
    ['disallowed_keys', ''],
    ['comment_previously_approved', '1'],
    ['auto_plugin_theme_update_emails', 'a:0:{}'],
    ['auto_update_core_dev', 'enabled'],
    ['auto_update_core_minor', 'enabled'],
    ['auto_update_core_major', 'enabled'],
    ['wp_force_deactivated_plugins', 'a:0:{}'],
    ['wp_attachment_pages_enabled', '0'],
    ['initial_db_version', '53496'],
    ['WPLANG', 'de_DE'],
    ['fresh_site', '0'],
    ['recovery_keys', 'a:0:{}'],
    ['https_detection_errors', 'a:0:{}'],
    ['can_compress_scripts', '1'],
  ] as const)
    opt(k, v);
  ser('active_plugins', ['akismet/akismet.php', 'wordpress-seo/wp-seo.php', 'woocommerce/woocommerce.php']);
  ser('recently_edited', [`/var/www/html/wp-content/themes/twentytwentyfour/style.css`, '']);
  ser('uninstall_plugins', {}, 'off');
  ser('sticky_posts', [postIds[2]!, postIds[7]!]);
  ser('widget_categories', { 2: { title: '', count: 0, hierarchical: 0, dropdown: 0 }, _multiwidget: 1 });
  ser('widget_text', {
    2: {
      title: 'Öffnungszeiten',
      text: `Mo–Fr 8–18 Uhr.\r\nHe said "hi"; then left. <a href="${site}/kontakt/">Kontakt</a>`,
      filter: true,
      visual: true,
    },
    3: {
      title: 'Newsletter',
      text: `<form action="${site}/newsletter/subscribe/" method="post"></form>`,
      filter: false,
    },
    _multiwidget: 1,
  });
  ser('widget_block', {
    2: {
      content: `<!-- wp:image ${phpJson({ id: hero.id, sizeSlug: 'full' })} -->\n<figure class="wp-block-image size-full"><img src="${hero.url}" alt=""/></figure>\n<!-- /wp:image -->`,
    },
    3: {
      content: `<!-- wp:paragraph -->\n<p>Folge uns: <a href="${site}/feed/">RSS</a> 🎧</p>\n<!-- /wp:paragraph -->`,
    },
    _multiwidget: 1,
  });
  ser('widget_media_image', {
    4: {
      attachment_id: hero.id,
      url: hero.url,
      title: '',
      size: 'full',
      width: hero.width,
      height: hero.height,
      caption: '',
      alt: 'Röstung',
      link_type: 'custom',
      link_url: `${site}/shop/`,
      image_classes: '',
      link_classes: '',
      link_rel: '',
      link_target_blank: false,
      image_title: '',
    },
    _multiwidget: 1,
  });
  ser('sidebars_widgets', {
    wp_inactive_widgets: [],
    'sidebar-1': ['block-2', 'text-2', 'media_image-4'],
    'sidebar-2': ['block-3', 'text-3', 'categories-2'],
    array_version: 3,
  });
  ser('theme_mods_twentytwentyfour', {
    0: false,
    nav_menu_locations: { primary: termIds.nav_menu![0]!, footer: 0 },
    custom_css_post_id: -1,
    custom_logo: images[1]!.id,
    header_image: `${site}/wp-content/uploads/2023/02/header.jpg`,
    // WordPress really stores this one as a stdClass object.
    header_image_data: new PhpObject('stdClass', {
      attachment_id: images[2]!.id,
      url: `${site}/wp-content/uploads/2023/02/header.jpg`,
      thumbnail_url: `${site}/wp-content/uploads/2023/02/header-150x150.jpg`,
      height: 400,
      width: 1600,
    }),
    background_image: `${site}/wp-content/uploads/2023/02/paper.png`,
    acme_settings: {
      layout: { ratio: 16 / 9, links: [`${site}/shop/`, `${site}/blog/`] },
      json: phpJson({ logo: `${site}/wp-content/uploads/logo.png` }),
    },
  });
  ser('theme_mods_twentytwentythree', { custom_css_post_id: -1, header_image: 'remove-header' }, 'off');
  // A serialized string that itself holds serialized data (double serialization, as some plugins do).
  opt(
    'acme_cache_blob',
    phpSerialize(phpSerialize({ home: site, checked: 1709000000, tags: ['a', 'b'] })),
    'off',
  );
  ser('acme_ratio', { ratio: 1.7777777777777777, zero: 0.1 + 0.2, url: `${site}/` });
  ser('wp_user_roles', {
    administrator: {
      name: 'Administrator',
      capabilities: Object.fromEntries(
        [
          'switch_themes',
          'edit_themes',
          'activate_plugins',
          'edit_plugins',
          'edit_users',
          'edit_files',
          'manage_options',
          'moderate_comments',
          'manage_categories',
          'manage_links',
          'upload_files',
          'import',
          'unfiltered_html',
          'edit_posts',
          'edit_others_posts',
          'edit_published_posts',
          'publish_posts',
          'edit_pages',
          'read',
          'level_10',
          'level_9',
          'delete_users',
          'create_users',
          'unfiltered_upload',
          'update_core',
          'list_users',
          'remove_users',
          'export',
        ].map((c) => [c, true]),
      ),
    },
    editor: {
      name: 'Editor',
      capabilities: Object.fromEntries(
        [
          'moderate_comments',
          'manage_categories',
          'manage_links',
          'upload_files',
          'unfiltered_html',
          'edit_posts',
          'edit_others_posts',
          'edit_published_posts',
          'publish_posts',
          'edit_pages',
          'read',
          'level_7',
        ].map((c) => [c, true]),
      ),
    },
    author: {
      name: 'Author',
      capabilities: {
        upload_files: true,
        edit_posts: true,
        edit_published_posts: true,
        publish_posts: true,
        read: true,
        level_2: true,
        level_1: true,
        level_0: true,
        delete_posts: true,
        delete_published_posts: true,
      },
    },
    subscriber: { name: 'Subscriber', capabilities: { read: true, level_0: true } },
  });
  const cron = new Map<number | string, PhpValue>();
  for (let k = 0; k < 6; k++) {
    cron.set(1735700000 + k * 3600, {
      [rnd.pick([
        'wp_version_check',
        'wp_update_plugins',
        'wp_scheduled_delete',
        'delete_expired_transients',
        'wp_privacy_delete_old_export_files',
      ])]: {
        [rnd.chars(32, '0123456789abcdef')]: {
          schedule: rnd.pick(['hourly', 'twicedaily', 'daily']),
          args: [],
          interval: rnd.pick([3600, 43200, 86400]),
        },
      },
    });
  }
  cron.set('version', 2);
  ser('cron', cron);
  const rules = new Map<string, PhpValue>();
  for (const base of [
    'category',
    'tag',
    'type',
    'author',
    'search',
    'comments',
    'feed',
    'page',
    '([0-9]{4})/([0-9]{1,2})',
    '([0-9]{4})',
  ]) {
    rules.set(
      `${base}/(.+?)/feed/(feed|rdf|rss|rss2|atom)/?$`,
      'index.php?category_name=$matches[1]&feed=$matches[2]',
    );
    rules.set(`${base}/(.+?)/page/?([0-9]{1,})/?$`, 'index.php?category_name=$matches[1]&paged=$matches[2]');
    rules.set(`${base}/(.+?)/?$`, 'index.php?category_name=$matches[1]');
  }
  rules.set('robots\\.txt$', 'index.php?robots=1');
  ser('rewrite_rules', rules);
  opt('_site_transient_timeout_theme_roots', '1735700000', 'off');
  ser('_site_transient_theme_roots', { twentytwentyfour: '/themes', twentytwentythree: '/themes' }, 'off');
  ser(
    '_transient_acme_feed_cache',
    {
      fetched: 1709000000,
      items: postUrls.slice(0, 5).map((u, k) => ({ link: u, title: `Item ${k} ✨`, ts: 1709000000 + k })),
    },
    'off',
  );
  ser(
    'wpseo_titles',
    {
      'title-home-wpseo': '%%sitename%% %%page%% %%sep%% %%sitedesc%%',
      company_logo: `${site}/wp-content/uploads/logo.png`,
      company_logo_id: images[1]!.id,
      open_graph_frontpage_image: hero.url,
      'breadcrumbs-sep': '»',
      forcerewritetitle: false,
      company_name: 'Example Shop GmbH',
    },
    'auto',
  );
  opt('woocommerce_email_from_address', 'shop@example-shop.com', 'auto');
  opt('woocommerce_shop_page_id', String(pageIds['Shop']));
  opt('woocommerce_store_address', 'Kaffeestraße 1');
  opt('woocommerce_currency', 'EUR');
  opt('acme_api_endpoint', `${site}/wp-json/acme/v1/`, 'auto');
  opt('acme_preview_host', host, 'auto');

  const out: Record<string, Table> = {
    users,
    usermeta,
    options,
    terms,
    term_taxonomy: termTaxonomy,
    termmeta,
    posts,
    postmeta,
    term_relationships: termRelationships,
    comments,
    commentmeta,
    links,
  };
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, { columns: t.columns, rows: t.rows }]));
}
