// Progress events: the engines and steps emit them; the CLI draws bars, Kestra gets metrics.

export type ProgressEvent =
  | { kind: 'step'; step: string; status: 'started' | 'succeeded' | 'failed' | 'skipped'; message?: string }
  | { kind: 'service'; service: string; status: string; message?: string }
  | {
      kind: 'table';
      table: string;
      status: 'started' | 'progress' | 'done';
      rows: number;
      bytes: number;
      totalRows?: number;
      /** A table split into chunks copied in parallel: how many are done. */
      chunks?: { done: number; total: number };
      /** Estimated seconds left for this table (split tables, from the rate so far). */
      etaSeconds?: number;
    }
  | { kind: 'message'; message: string };

export type ProgressListener = (event: ProgressEvent) => void;

export const noProgress: ProgressListener = () => {};
