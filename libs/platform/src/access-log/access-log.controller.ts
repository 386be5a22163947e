import { Controller, Get, Inject, Query } from '@nestjs/common';
import { Roles } from '@ordo/auth';
import { SERVICE_CONFIG } from '@ordo/config';
import { PatientKeys, PatientKeyValues, patientKeysFromEnv, pseudonymise } from '@ordo/contracts';
import { parsePrescriptionId } from '@ordo/rx-id';
import { DataSource } from 'typeorm';
import { AccessLogQuery } from './access-log.query';

interface AccessRecordRow {
  at: Date;
  action: string;
  prescription_id: string | null;
  patient_pseudonym: string | null;
  actor_role: string;
  actor_subject: string;
  actor_rpps: string | null;
  actor_finess: string | null;
  client_address: string | null;
  outcome_status: number;
  outcome_code: string | null;
}

/** What this service recorded of the accesses to patients' prescriptions, for auditors only. */
@Controller('v1/access-log')
@Roles('auditor')
export class AccessLogController {
  private readonly patientKeys: PatientKeys;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) config: PatientKeyValues,
  ) {
    this.patientKeys = patientKeysFromEnv(config);
  }

  @Get()
  async list(@Query() query: AccessLogQuery) {
    const conditions: string[] = [];
    const values: unknown[] = [];
    const where = (condition: (placeholder: string) => string, value: unknown) => {
      values.push(value);
      conditions.push(condition(`$${values.length}`));
    };
    if (query.prescriptionId) where((p) => `prescription_id = ${p}`, (parsePrescriptionId(query.prescriptionId) as { id: string }).id);
    if (query.patient) where((p) => `patient_pseudonym = ${p}`, pseudonymise(query.patient, this.patientKeys));
    if (query.before) where((p) => `at < ${p}`, new Date(query.before));
    values.push(query.limit ?? 100);
    const rows: AccessRecordRow[] = await this.dataSource.query(
      `SELECT at, action, prescription_id, patient_pseudonym, actor_role, actor_subject, actor_rpps, actor_finess,
              client_address, outcome_status, outcome_code
       FROM access_log WHERE ${conditions.join(' AND ')} ORDER BY at DESC, id DESC LIMIT $${values.length}`,
      values,
    );
    return {
      items: rows.map((row) => ({
        at: row.at.toISOString(),
        action: row.action,
        prescriptionId: row.prescription_id,
        patientPseudonym: row.patient_pseudonym,
        actor: { role: row.actor_role, subject: row.actor_subject, rpps: row.actor_rpps, finess: row.actor_finess },
        clientAddress: row.client_address,
        outcome: { status: row.outcome_status, code: row.outcome_code },
      })),
    };
  }
}
