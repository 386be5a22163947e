import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ListAlertsQuery } from './dto/list-alerts.query';
import { FraudAlert } from './fraud-alert.entity';

export interface AlertPage {
  items: FraudAlert[];
  total: number;
  limit: number;
  offset: number;
}

/** Alerts for analysts, newest first, filtered and paginated. */
@Injectable()
export class ListAlerts {
  constructor(@InjectRepository(FraudAlert) private readonly alerts: Repository<FraudAlert>) {}

  async execute(query: ListAlertsQuery): Promise<AlertPage> {
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    const builder = this.alerts.createQueryBuilder('alert');
    if (query.prescriptionId) builder.andWhere('alert.prescription_id = :prescriptionId', { prescriptionId: query.prescriptionId });
    if (query.patientPseudonym) builder.andWhere('alert.patient_pseudonym = :patient', { patient: query.patientPseudonym });
    if (query.status) builder.andWhere('alert.status = :status', { status: query.status });
    if (query.level) builder.andWhere('alert.level = :level', { level: query.level });
    if (query.rule) builder.andWhere('alert.rule_codes @> ARRAY[:rule]::text[]', { rule: query.rule });
    const [items, total] = await builder
      .orderBy('alert.raised_at', 'DESC')
      .addOrderBy('alert.id')
      .take(limit)
      .skip(offset)
      .getManyAndCount();
    return { items, total, limit, offset };
  }
}
