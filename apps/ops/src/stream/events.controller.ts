import { Controller, Get, Query } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Roles } from '@ordo/auth';
import { Repository } from 'typeorm';
import { ListEventsQuery } from './dto/list-events.query';
import { StreamEvent } from './stream-event.entity';

@Controller('v1/events')
@Roles('ops')
export class EventsController {
  constructor(@InjectRepository(StreamEvent) private readonly events: Repository<StreamEvent>) {}

  /** Events in the order they happened (event time, then arrival), optionally for one prescription. */
  @Get()
  async list(@Query() query: ListEventsQuery) {
    const rows = await this.events.find({
      where: {
        ...(query.subject ? { subject: query.subject } : {}),
        ...(query.type ? { type: query.type } : {}),
        ...(query.topic ? { topic: query.topic } : {}),
      },
      order: { time: 'ASC', seq: 'ASC' },
      take: query.limit ?? 200,
    });
    return {
      items: rows.map((row) => ({
        topic: row.topic,
        partition: row.partition,
        offset: row.offset,
        deadLetter: row.deadLetter,
        id: row.eventId,
        type: row.type,
        subject: row.subject,
        source: row.source,
        time: row.time?.toISOString() ?? null,
        event: row.event,
        raw: row.raw,
        headers: row.headers,
      })),
    };
  }
}
