/** One event as ops' live stream (SSE) sends it: the history row's view. */
export interface LiveEvent {
  seq: string;
  topic: string;
  partition: number;
  offset: string;
  id: string | null;
  type: string | null;
  subject: string | null;
}

/**
 * Follows `GET /v1/events/live` of one ops instance as a dashboard does, keeping every
 * `stream-event` it receives after `event: ready`, in order.
 */
export class LiveStreamReader {
  readonly events: LiveEvent[] = [];
  private readonly aborted = new AbortController();

  private constructor() {}

  /** Opens the stream (without backlog) and returns once ops has said `ready`. */
  static async open(opsUrl: string, token: string, timeoutMs = 10000): Promise<LiveStreamReader> {
    const reader = new LiveStreamReader();
    const response = await fetch(`${opsUrl}/v1/events/live?backlog=0&token=${encodeURIComponent(token)}`, {
      signal: reader.aborted.signal,
    });
    if (response.status !== 200 || !response.body) throw new Error(`the live stream answered ${response.status}`);
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    void reader.read(response.body, ready);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      isReady,
      new Promise(
        (_, reject) => (timer = setTimeout(() => reject(new Error(`no ready from ${opsUrl} within ${timeoutMs} ms`)), timeoutMs)),
      ),
    ]).finally(() => clearTimeout(timer));
    return reader;
  }

  close(): void {
    this.aborted.abort();
  }

  private async read(body: ReadableStream<Uint8Array>, ready: () => void): Promise<void> {
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of body) {
        buffered += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const frame = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const lines = frame.split('\n');
          const name = lines.find((line) => line.startsWith('event: '))?.slice('event: '.length);
          const data = lines
            .filter((line) => line.startsWith('data: '))
            .map((line) => line.slice('data: '.length))
            .join('\n');
          if (name === 'ready') ready();
          if (name === 'stream-event') this.events.push(JSON.parse(data) as LiveEvent);
        }
      }
    } catch {
      // Closed by the test, or the ops instance went away: what was received stays.
    }
  }
}
