import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { Public } from '@ordo/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { opsMetrics } from '../ops.metrics';
import { LiveStreamQuery } from './dto/live-stream.query';
import { LiveStream } from './live-stream';
import { StreamEventView } from './stream-event.view';
import { StreamFilter } from './stream-filter';
import { StreamTokenGuard } from './stream-token.guard';

const HEARTBEAT_MS = 15_000;

@Controller('v1/events/live')
export class LiveStreamController {
  constructor(private readonly live: LiveStream) {}

  /**
   * Server-Sent Events: first the latest matching events of the live window, then each new one as
   * ops records it (`event: stream-event`, `id:` the history sequence number). Role ops, with the
   * token in `?token=` for browsers (see StreamTokenGuard).
   */
  @Get()
  @Public()
  @UseGuards(StreamTokenGuard)
  stream(@Query() query: LiveStreamQuery, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const filter: StreamFilter = {
      type: query.type,
      subject: query.subject,
      source: query.source,
      topic: query.topic,
      deadLetter: query.deadLetter,
    };
    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const send = (event: StreamEventView) => out.write(`id: ${event.seq}\nevent: stream-event\ndata: ${JSON.stringify(event)}\n\n`);
    out.write('retry: 2000\n\n');
    for (const event of this.live.recent(filter, query.backlog ?? 100)) send(event);
    out.write(`event: ready\ndata: {}\n\n`);
    const unsubscribe = this.live.subscribe(filter, send);
    opsMetrics.liveSubscribers.inc();
    const heartbeat = setInterval(() => out.write(': keep-alive\n\n'), HEARTBEAT_MS);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      unsubscribe();
      untrack();
      opsMetrics.liveSubscribers.dec();
    };
    const untrack = this.live.track(() => {
      close();
      out.end();
    });
    request.raw.on('close', close);
    out.on('close', close);
    out.on('error', close);
  }
}
