import { Controller, Get, Query } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Roles } from '@ordo/auth';
import { Repository } from 'typeorm';
import { ListEventsQuery } from './dto/list-events.query';
import { StreamEvent } from './stream-event.entity';
import { toStreamEventView } from './stream-event.view';
import { subjectForLookup } from './stream-filter';

@Controller('v1/events')
@Roles('ops')
export class EventsController {
  constructor(@InjectRepository(StreamEvent) private readonly events: Repository<StreamEvent>) {}

  /** Recorded events in the order they happened (event time, then arrival), optionally for one prescription. */
  @Get()
  async list(@Query() query: ListEventsQuery) {
    const source = query.source ? (query.source.startsWith('/') ? query.source : `/ordo/${query.source}`) : undefined;
    const rows = await this.events.find({
      where: {
        ...(query.subject ? { subject: subjectForLookup(query.subject) } : {}),
        ...(query.type ? { type: query.type } : {}),
        ...(query.topic ? { topic: query.topic } : {}),
        ...(source ? { source } : {}),
      },
      order: { time: 'ASC', seq: 'ASC' },
      take: query.limit ?? 200,
    });
    return { items: rows.map(toStreamEventView) };
  }
}
