import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A prescription put on hold: dispensing refuses claims on it until an analyst lifts it. */
@Entity('fraud_hold')
export class FraudHold {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ type: 'char', length: 18 }) prescriptionId: string;
  @Column({ type: 'uuid', nullable: true }) alertId: string | null;
  @Column({ type: 'text' }) reason: string;
  /** `rules`, or the analyst's subject. */
  @Column({ type: 'text' }) placedBy: string;
  @Column({ type: 'timestamptz' }) placedAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) liftedAt: Date | null;
  @Column({ type: 'text', nullable: true }) liftedBy: string | null;
  @Column({ type: 'text', nullable: true }) liftReason: string | null;
}
