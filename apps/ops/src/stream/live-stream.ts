import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { OPS_CONFIG, OpsConfig } from '../ops.config';
import { StreamEventView } from './stream-event.view';
import { StreamFilter, matchesFilter } from './stream-filter';

export type StreamListener = (event: StreamEventView) => void;

/**
 * The recent window of the stream, in memory, and the live subscribers (SSE connections) it feeds.
 * The database keeps the long history; this keeps what a dashboard shows the moment it connects.
 * An event is published once: the history follower may read a row both when it catches up and
 * when its announcement arrives, and the second reading is dropped here.
 */
@Injectable()
export class LiveStream implements OnModuleDestroy {
  private readonly window: StreamEventView[] = [];
  /** The history sequence numbers of the events in the window. */
  private readonly inWindow = new Set<string>();
  private readonly listeners = new Set<StreamListener>();
  private readonly connections = new Set<() => void>();

  constructor(@Inject(OPS_CONFIG) private readonly config: Pick<OpsConfig, 'liveWindow'>) {}

  publish(events: StreamEventView[]): void {
    for (const event of events) {
      if (this.inWindow.has(event.seq)) continue;
      this.window.push(event);
      this.inWindow.add(event.seq);
      for (const listener of this.listeners) listener(event);
    }
    const excess = this.window.length - this.config.liveWindow;
    if (excess > 0) for (const dropped of this.window.splice(0, excess)) this.inWindow.delete(dropped.seq);
  }

  /** The latest `limit` events of the window that match, oldest first. */
  recent(filter: StreamFilter, limit: number): StreamEventView[] {
    const matching: StreamEventView[] = [];
    for (let i = this.window.length - 1; i >= 0 && matching.length < limit; i--) {
      if (matchesFilter(this.window[i], filter)) matching.push(this.window[i]);
    }
    return matching.reverse();
  }

  subscribe(filter: StreamFilter, listener: StreamListener): () => void {
    const filtered: StreamListener = (event) => {
      if (matchesFilter(event, filter)) listener(event);
    };
    this.listeners.add(filtered);
    return () => this.listeners.delete(filtered);
  }

  /** Registers how to end a live connection, so shutdown does not wait on open streams. */
  track(end: () => void): () => void {
    this.connections.add(end);
    return () => this.connections.delete(end);
  }

  onModuleDestroy(): void {
    for (const end of [...this.connections]) end();
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }
}
