import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A dead letter an operator sent back to the topic it came from: who, when, and where it landed. */
@Entity('dead_letter_replay')
export class DeadLetterReplay {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ type: 'text' }) deadLetterTopic: string;
  @Column({ type: 'integer' }) deadLetterPartition: number;
  @Column({ type: 'bigint' }) deadLetterOffset: string;
  @Column({ type: 'text' }) originTopic: string;
  /** Where the republished copy was written. */
  @Column({ type: 'integer' }) originPartition: number;
  @Column({ type: 'bigint' }) originOffset: string;
  /** The group that dead-lettered it, which should now process the copy. */
  @Column({ type: 'text', nullable: true }) consumerGroup: string | null;
  @Column({ type: 'text' }) replayedBy: string;
  @Column({ type: 'timestamptz' }) replayedAt: Date;
}
