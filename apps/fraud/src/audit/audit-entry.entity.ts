import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type AuditAction = 'hold-placed' | 'hold-lifted' | 'case-closed';

/** Who did what, when, to which prescription. */
@Entity('fraud_audit')
export class AuditEntry {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ type: 'timestamptz', default: () => 'now()' }) at: Date;
  @Column({ type: 'text' }) actor: string;
  @Column({ type: 'text' }) action: AuditAction;
  @Column({ type: 'char', length: 18, nullable: true }) prescriptionId: string | null;
  @Column({ type: 'uuid', nullable: true }) alertId: string | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- free JSON
  @Column({ type: 'jsonb', default: {} }) details: Record<string, any>;
}

export async function audit(
  manager: import('typeorm').EntityManager,
  entry: Pick<AuditEntry, 'actor' | 'action' | 'prescriptionId' | 'alertId' | 'details'>,
): Promise<void> {
  await manager.insert(AuditEntry, entry);
}
