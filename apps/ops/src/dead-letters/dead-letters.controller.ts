import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CurrentPrincipal, Roles, type Principal } from '@ordo/auth';
import { subjectForLookup } from '../stream/stream-filter';
import { DeadLetters } from './dead-letters';
import { DeadLetterParams, ListDeadLettersQuery } from './dto/dead-letter.params';

@Controller('v1/dead-letters')
@Roles('ops')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLetters) {}

  /** The latest dead letters first, with why they failed, where from, and their replays. */
  @Get()
  async list(@Query() query: ListDeadLettersQuery) {
    return {
      items: await this.deadLetters.list({
        topic: query.topic,
        subject: query.subject ? subjectForLookup(query.subject) : undefined,
        limit: query.limit ?? 100,
      }),
    };
  }

  @Get(':topic/:partition/:offset')
  get(@Param() params: DeadLetterParams) {
    return this.deadLetters.get(params.topic, params.partition, params.offset);
  }

  /** Sends the original message back to its origin topic; answers where the copy was written. */
  @Post(':topic/:partition/:offset/replay')
  @HttpCode(201)
  replay(@Param() params: DeadLetterParams, @CurrentPrincipal() principal: Principal) {
    return this.deadLetters.replay(params.topic, params.partition, params.offset, principal.subject);
  }
}
