import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One message seen on any Ordo topic, dead-letter topics included, kept for the searchable history. */
@Entity('stream_event')
@Index(['topic', 'partition', 'offset'], { unique: true })
export class StreamEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' }) seq: string;
  @Column({ type: 'text' }) topic: string;
  @Column({ type: 'integer' }) partition: number;
  @Column({ type: 'bigint' }) offset: string;
  @Column({ type: 'text', nullable: true }) key: string | null;
  @Column({ type: 'uuid', nullable: true }) eventId: string | null;
  @Column({ type: 'text', nullable: true }) type: string | null;
  @Index() @Column({ type: 'text', nullable: true }) subject: string | null;
  @Column({ type: 'text', nullable: true }) source: string | null;
  @Column({ type: 'timestamptz', nullable: true }) time: Date | null;
  /** The CloudEvent as published; null when the value was not one. */
  @Column({ type: 'jsonb', nullable: true }) event: object | null;
  /** The value as text when it could not be parsed. */
  @Column({ type: 'text', nullable: true }) raw: string | null;
  @Column({ type: 'jsonb' }) headers: Record<string, string>;
  /** The value byte for byte, kept for dead letters only: a replay republishes exactly these bytes. */
  @Column({ type: 'bytea', nullable: true, select: false }) value: Buffer | null;
  @Column({ type: 'boolean' }) deadLetter: boolean;
  @Column({ type: 'timestamptz' }) receivedAt: Date;
}
