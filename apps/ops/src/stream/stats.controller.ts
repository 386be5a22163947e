import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { Roles } from '@ordo/auth';
import { RatesQuery } from './dto/rates.query';
import { StreamStats } from './stream-stats';

const MAX_POINTS = 1000;

@Controller('v1/stats')
@Roles('ops')
export class StatsController {
  constructor(private readonly stats: StreamStats) {}

  /** Events per topic per bucket, by event time, for the rate charts. */
  @Get('rates')
  rates(@Query() query: RatesQuery) {
    const minutes = query.minutes ?? 15;
    const bucketSeconds = query.bucketSeconds ?? 10;
    if ((minutes * 60) / bucketSeconds > MAX_POINTS) {
      throw new BadRequestException({
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        message: `bucketSeconds: at most ${MAX_POINTS} points per topic; use a larger bucket for ${minutes} minutes`,
        errors: [{ field: 'bucketSeconds', rule: 'maxPoints', message: `at most ${MAX_POINTS} points` }],
      });
    }
    return this.stats.rates(minutes, bucketSeconds);
  }

  /** Totals, dead letters, and the fraud alerts and holds seen in the history. */
  @Get('summary')
  summary() {
    return this.stats.summary();
  }
}
