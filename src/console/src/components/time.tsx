import { useEffect, useState } from 'react';

/** The current time, re-rendered every `ms`. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

export function Expiry({ at }: { at: string | null }) {
  const now = useNow();
  if (!at) return <span>never</span>;
  const left = new Date(at).getTime() - now;
  return (
    <time dateTime={at} title={new Date(at).toLocaleString()}>
      {left <= 0 ? 'expired' : `in ${formatDuration(left)}`}
    </time>
  );
}

export const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');
