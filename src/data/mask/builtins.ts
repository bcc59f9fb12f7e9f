// The built-in masking rules: WordPress core and WooCommerce, by table (any prefix, multisite
// `wp_2_…` included), and key/value tables (usermeta, postmeta, options) by key. Column-name
// patterns for any other schema are in ./patterns.ts.
import type { DeepStrategy } from './deep.js';
import type { Strategy } from './strategies.js';

export interface ColumnRule {
  table: RegExp;
  column: string;
  strategy: Strategy;
}

/** A key/value table: the value column masked by the strategy its row's key names. */
export interface KeyedRule {
  table: RegExp;
  keyColumn: string;
  valueColumn: string;
  keys: Record<string, DeepStrategy>;
  /** Rows with any other key: `auto` finds e-mails and personal keys inside serialized/JSON values. */
  others?: DeepStrategy;
}

const wp = (base: string) => new RegExp(`(^|_)${base}$`, 'i');

export const COLUMN_RULES: readonly ColumnRule[] = [
  { table: wp('users'), column: 'user_email', strategy: 'email' },
  { table: wp('users'), column: 'display_name', strategy: 'name' },
  { table: wp('comments'), column: 'comment_author', strategy: 'name' },
  { table: wp('comments'), column: 'comment_author_email', strategy: 'email' },
  { table: wp('comments'), column: 'comment_author_IP', strategy: 'ip' },
  { table: wp('wc_orders'), column: 'billing_email', strategy: 'email' },
  { table: wp('wc_orders'), column: 'ip_address', strategy: 'ip' },
  { table: wp('wc_order_addresses'), column: 'company', strategy: 'name' },
  { table: wp('wc_order_addresses'), column: 'city', strategy: 'address' },
  { table: wp('wc_order_addresses'), column: 'postcode', strategy: 'address' },
  { table: wp('wc_customer_lookup'), column: 'username', strategy: 'name' },
  { table: wp('wc_customer_lookup'), column: 'city', strategy: 'address' },
  { table: wp('wc_customer_lookup'), column: 'postcode', strategy: 'address' },
];

/** WooCommerce's billing/shipping fields, as usermeta keys (`billing_email`) and order meta (`_billing_email`). */
function addressFields(prefix: string): Record<string, DeepStrategy> {
  const out: Record<string, DeepStrategy> = {};
  for (const kind of ['billing', 'shipping']) {
    Object.assign(out, {
      [`${prefix}${kind}_first_name`]: 'name',
      [`${prefix}${kind}_last_name`]: 'name',
      [`${prefix}${kind}_company`]: 'name',
      [`${prefix}${kind}_address_1`]: 'address',
      [`${prefix}${kind}_address_2`]: 'address',
      [`${prefix}${kind}_city`]: 'address',
      [`${prefix}${kind}_postcode`]: 'address',
      [`${prefix}${kind}_phone`]: 'phone',
      [`${prefix}${kind}_email`]: 'email',
      // Woo's search index: the whole address in one string (names, e-mail, phone).
      [`${prefix}${kind}_address_index`]: 'address',
    });
  }
  return out;
}

const ORDER_META: Record<string, DeepStrategy> = {
  ...addressFields('_'),
  _customer_ip_address: 'ip',
};

/** Addresses the site itself sends mail to or from (also masked by the quiet-staging option). */
export const NOTIFICATION_OPTIONS: Record<string, DeepStrategy> = {
  admin_email: 'email',
  new_admin_email: 'email',
  woocommerce_email_from_address: 'email',
  woocommerce_stock_email_recipient: 'email',
  // Each e-mail's settings (serialized): the `recipient` inside is an address.
  woocommerce_new_order_settings: 'auto',
  woocommerce_cancelled_order_settings: 'auto',
  woocommerce_failed_order_settings: 'auto',
};

export const KEYED_RULES: readonly KeyedRule[] = [
  {
    table: wp('usermeta'),
    keyColumn: 'meta_key',
    valueColumn: 'meta_value',
    keys: {
      first_name: 'name',
      last_name: 'name',
      nickname: 'name',
      ...addressFields(''),
      // Logged-in sessions: serialized, with the IP of each login inside.
      session_tokens: 'auto',
    },
    others: 'auto',
  },
  {
    table: wp('postmeta'),
    keyColumn: 'meta_key',
    valueColumn: 'meta_value',
    keys: ORDER_META,
    others: 'auto',
  },
  {
    table: wp('wc_orders_meta'),
    keyColumn: 'meta_key',
    valueColumn: 'meta_value',
    keys: ORDER_META,
    others: 'auto',
  },
  {
    table: wp('options'),
    keyColumn: 'option_name',
    valueColumn: 'option_value',
    keys: NOTIFICATION_OPTIONS,
    others: 'auto',
  },
  {
    table: wp('sitemeta'),
    keyColumn: 'meta_key',
    valueColumn: 'meta_value',
    keys: { admin_email: 'email' },
    others: 'auto',
  },
];
