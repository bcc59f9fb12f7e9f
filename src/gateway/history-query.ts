// Query parameters of a flow's history (transport, not request fields: those live in src/inputs).
import { z } from 'zod';

export const EXECUTION_STATES = [
  'CREATED',
  'QUEUED',
  'RUNNING',
  'RETRYING',
  'SUCCESS',
  'WARNING',
  'FAILED',
  'KILLED',
  'CANCELLED',
] as const;

export const historyQuerySchema = z
  .object({
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    size: z.coerce.number().int().min(1).max(100).default(25),
    state: z
      .string()
      .transform((v) => v.split(',').map((s) => s.trim().toUpperCase()))
      .pipe(z.array(z.enum(EXECUTION_STATES)))
      .optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    // Exact matches, filtered by the store (not the page): a clone's client_name, the starting key's id.
    client: z.string().min(1).max(40).optional(),
    started_by: z.string().min(1).max(120).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
