// The one thing a newcomer needs when a port is taken: which port, and how to choose another.
import { RailcloneError } from './errors.js';

export function explainListenError(err: unknown, port: number, host: string, how: string): Error {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'EADDRINUSE')
    return new RailcloneError('PortInUse', `port ${port} on ${host} is already in use: ${how}`);
  if (code === 'EACCES')
    return new RailcloneError('PortForbidden', `not allowed to listen on port ${port} on ${host}: ${how}`);
  return err instanceof Error ? err : new Error(String(err));
}
