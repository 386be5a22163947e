import { DispensedLine } from '@ordo/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity('dispensation')
@Index(['pharmacyFiness', 'dispensedAt'])
export class Dispensation {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Index() @Column({ type: 'char', length: 18 }) prescriptionId: string;
  @Column({ type: 'uuid', nullable: true }) claimId: string | null;
  @Column({ type: 'char', length: 9 }) pharmacyFiness: string;
  @Column({ type: 'char', length: 11 }) pharmacistRpps: string;
  @Column({ type: 'jsonb' }) lines: DispensedLine[];
  @Column({ type: 'timestamptz' }) dispensedAt: Date;
}
