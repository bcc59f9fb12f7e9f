// Deferred secondary keys: which CREATE TABLEs lose their secondary keys for the load, and the ALTER
// that puts them back.
import { describe, expect, it } from 'vitest';
import { deferSecondaryKeys, referencedTables } from '../../src/data/mysql/keys.js';

const POSTMETA = [
  'CREATE TABLE `wp_postmeta` (',
  '  `meta_id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,',
  '  `post_id` bigint(20) unsigned NOT NULL DEFAULT 0,',
  '  `meta_key` varchar(255) DEFAULT NULL,',
  '  PRIMARY KEY (`meta_id`),',
  '  UNIQUE KEY `uk` (`post_id`,`meta_key`(50)),',
  "  KEY `meta_key` (`meta_key`(191)) COMMENT 'x, y'",
  ') ENGINE=InnoDB AUTO_INCREMENT=7 DEFAULT CHARSET=utf8mb4',
].join('\n');

describe('deferSecondaryKeys', () => {
  it('takes the secondary keys out of the CREATE and adds them back in one ALTER', () => {
    const d = deferSecondaryKeys(POSTMETA, '`wp_postmeta`', false);
    expect(d?.create).toBe(
      [
        'CREATE TABLE `wp_postmeta` (',
        '  `meta_id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,',
        '  `post_id` bigint(20) unsigned NOT NULL DEFAULT 0,',
        '  `meta_key` varchar(255) DEFAULT NULL,',
        '  PRIMARY KEY (`meta_id`)',
        ') ENGINE=InnoDB AUTO_INCREMENT=7 DEFAULT CHARSET=utf8mb4',
      ].join('\n'),
    );
    expect(d?.addKeys).toBe(
      "ALTER TABLE `wp_postmeta` ADD UNIQUE KEY `uk` (`post_id`,`meta_key`(50)), ADD KEY `meta_key` (`meta_key`(191)) COMMENT 'x, y'",
    );
  });

  it('leaves alone tables it cannot defer safely', () => {
    const without = (from: string, to: string) => POSTMETA.replace(from, to);
    expect(deferSecondaryKeys(POSTMETA, '`t`', true)).toBeNull(); // referenced by a foreign key
    expect(deferSecondaryKeys(without('  PRIMARY KEY (`meta_id`),\n', ''), '`t`', false)).toBeNull();
    expect(deferSecondaryKeys(without('ENGINE=InnoDB', 'ENGINE=Aria'), '`t`', false)).toBeNull();
    expect(
      deferSecondaryKeys(
        without('  PRIMARY KEY', '  FULLTEXT KEY `ft` (`meta_key`),\n  PRIMARY KEY'),
        '`t`',
        false,
      ),
    ).toBeNull();
    expect(
      deferSecondaryKeys(
        without(
          '  PRIMARY KEY',
          '  CONSTRAINT `fk` FOREIGN KEY (`post_id`) REFERENCES `p` (`id`),\n  PRIMARY KEY',
        ),
        '`t`',
        false,
      ),
    ).toBeNull();
    expect(
      deferSecondaryKeys(POSTMETA.replace(/ {2}UNIQUE KEY.*\n {2}KEY.*\n/, ''), '`t`', false),
    ).toBeNull();
  });

  it('finds the tables foreign keys point at', () => {
    const child = 'CREATE TABLE `c` (\n  CONSTRAINT `f` FOREIGN KEY (`a`) REFERENCES `par``ent` (`id`)\n)';
    expect([...referencedTables([POSTMETA, child])]).toEqual(['par`ent']);
  });
});
