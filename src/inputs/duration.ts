// TTLs: "30m", "12h", "7d", "2w" or ISO-8601 ("P7D", "PT12H"). Returned as milliseconds.
const SIMPLE = /^(\d{1,5})(s|m|h|d|w)$/;
const ISO = /^P(?:(\d{1,4})W)?(?:(\d{1,4})D)?(?:T(?:(\d{1,5})H)?(?:(\d{1,6})M)?)?$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

export const TTL_FORMAT =
  '30m, 12h, 7d, 2w or ISO-8601 like P7D / PT12H (at least 10 minutes, at most 365 days)';
export const MIN_TTL_MS = 10 * 60_000;
export const MAX_TTL_MS = 365 * 86_400_000;

export function parseDuration(text: string): number | null {
  const simple = SIMPLE.exec(text);
  if (simple) return Number(simple[1]) * UNIT_MS[simple[2] as keyof typeof UNIT_MS];
  const iso = ISO.exec(text);
  if (!iso || text === 'P' || text.endsWith('T')) return null;
  const [, w, d, h, m] = iso.map((v) => Number(v ?? 0));
  return (w! * 7 + d!) * 86_400_000 + h! * 3_600_000 + m! * 60_000;
}
