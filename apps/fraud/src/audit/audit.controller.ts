import { Controller, Get, Query } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Roles } from '@ordo/auth';
import { Repository } from 'typeorm';
import { AuditQuery } from './dto/audit.query';
import { AuditEntry } from './audit-entry.entity';

@Controller('v1/audit')
@Roles('fraud-analyst')
export class AuditController {
  constructor(@InjectRepository(AuditEntry) private readonly entries: Repository<AuditEntry>) {}

  /** Who did what, newest first; by prescription when asked. */
  @Get()
  async list(@Query() query: AuditQuery) {
    const items = await this.entries.find({
      where: query.prescriptionId ? { prescriptionId: query.prescriptionId } : {},
      order: { id: 'DESC' },
      take: query.limit ?? 100,
    });
    return { items };
  }
}
