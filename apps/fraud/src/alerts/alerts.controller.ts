import { Controller, Get, Query } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Roles } from '@ordo/auth';
import { Repository } from 'typeorm';
import { ListAlertsQuery } from './dto/list-alerts.query';
import { FraudAlert } from './fraud-alert.entity';

@Controller('v1/alerts')
@Roles('fraud-analyst')
export class AlertsController {
  constructor(@InjectRepository(FraudAlert) private readonly alerts: Repository<FraudAlert>) {}

  @Get()
  async list(@Query() query: ListAlertsQuery) {
    const items = await this.alerts.find({
      where: {
        ...(query.prescriptionId ? { prescriptionId: query.prescriptionId } : {}),
        ...(query.status ? { status: query.status } : {}),
      },
      order: { raisedAt: 'DESC' },
      take: query.limit ?? 50,
    });
    return { items };
  }
}
