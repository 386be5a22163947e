/**
 * Errors that say the infrastructure is unavailable rather than that the message is bad. The
 * consumer does not dead-letter on these: it stops and retries the same message later.
 */
export function isInfrastructureError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string') {
    if (code.startsWith('08')) return true; // connection exceptions
    if (['57P01', '57P02', '57P03', '53300', '53400'].includes(code)) return true; // shutdown, too many connections
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'].includes(code)) return true;
  }
  const message = (error as Error)?.message ?? '';
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message);
}
