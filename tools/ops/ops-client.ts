import { devTokenSigner, mintToken } from '@ordo/auth';
import type { DeadLetterView, ReplayView } from '../../apps/ops/src/dead-letters/dead-letters';
import { loadConfig } from '@ordo/config';
import { toolSettings } from '../local/tool-settings';

export class OpsRequestFailed extends Error {}

/**
 * Talks to the ops service for what must go through it (dead letters: a replay is recorded there).
 * OPS_URL (default http://127.0.0.1:3004); the token is ORDO_TOKEN, or on a developer machine one
 * minted with the development key for role ops.
 */
export class OpsClient {
  private constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  static async fromEnv(env: NodeJS.ProcessEnv): Promise<OpsClient> {
    const config = loadConfig(toolSettings, env);
    const baseUrl = config.OPS_URL.replace(/\/$/, '');
    const token =
      config.ORDO_TOKEN?.trim() || (await mintToken({ role: 'ops', subject: `cli:${env.USER ?? 'operator'}` }, devTokenSigner({}, env)));
    return new OpsClient(baseUrl, token);
  }

  listDeadLetters(query: { topic?: string; subject?: string; limit?: number }): Promise<{ items: DeadLetterView[] }> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
    return this.call('GET', `/v1/dead-letters?${params}`);
  }

  replay(topic: string, partition: number, offset: string): Promise<ReplayView> {
    return this.call('POST', `/v1/dead-letters/${encodeURIComponent(topic)}/${partition}/${offset}/replay`);
  }

  private async call<T>(method: string, path: string): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${this.token}` } });
    } catch (error) {
      throw new OpsRequestFailed(`ops is not reachable at ${this.baseUrl} (OPS_URL): ${(error as Error).message}`);
    }
    const body = (await response.json().catch(() => ({}))) as { message?: string; code?: string };
    if (!response.ok) throw new OpsRequestFailed(`ops answered ${response.status} ${body.code ?? ''}: ${body.message ?? ''}`.trim());
    return body as T;
  }
}
