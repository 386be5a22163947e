import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Prescribers fraud knows: active, or deactivated (struck off, deceased, stolen identity). */
@Entity('prescriber_registry')
export class PrescriberRegistryEntry {
  @PrimaryColumn({ type: 'char', length: 11 }) prescriberRpps: string;
  @Column({ type: 'text' }) status: 'active' | 'deactivated';
  @Column({ type: 'text', default: '' }) note: string;
  @Column({ type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}
