import { HttpResult, OrdoSystem } from './ordo-system';

/** What a pharmacy's software does at the counter: claim with the code or typed ID, then dispense. */
export async function claim(
  system: OrdoSystem,
  token: string,
  presented: { code?: string; typedId?: string },
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  return system.request('dispensing', 'POST', '/v1/claims', { token, body: presented, headers });
}

export async function dispense(
  system: OrdoSystem,
  token: string,
  claimed: { claimId: string; secret: string },
  lines?: { lineNo: number; quantity: number; cip13?: string; generic?: boolean }[],
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  return system.request('dispensing', 'POST', `/v1/claims/${claimed.claimId}/dispense`, {
    token,
    body: { secret: claimed.secret, ...(lines ? { lines } : {}) },
    headers,
  });
}
