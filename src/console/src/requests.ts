// Requests this tab started, by execution id, in memory only (override values are secrets): Retry sends
// the same request again. After a reload Retry asks to start from the wizard.
import type { CloneRequestInput } from '../../inputs/index.js';

const started = new Map<string, CloneRequestInput>();

export const rememberRequest = (id: string, req: CloneRequestInput) => void started.set(id, req);
export const rememberedRequest = (id: string) => started.get(id);
