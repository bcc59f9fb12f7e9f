// Errors the emulator raises inside resolvers. The message is what Railway says; the HTTP layer adds
// Railway's envelope (extensions.code INTERNAL_SERVER_ERROR, numeric traceId, HTTP 200).
export class EmuError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmuError';
  }
}

export const NOT_AUTHORIZED = 'Not Authorized';
export const PROBLEM = 'Problem processing request';

export const notAuthorized = (): EmuError => new EmuError(NOT_AUTHORIZED);
export const problem = (): EmuError => new EmuError(PROBLEM);
