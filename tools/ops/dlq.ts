import type { DeadLetterView, ReplayView } from '../../apps/ops/src/dead-letters/dead-letters';
import { displaySubject } from './event-line';

/** `ordo dlq list`: one block per dead letter, the latest first. */
export function formatDeadLetters(letters: DeadLetterView[], options: { colour: boolean }): string[] {
  const paint = (code: string, text: string) => (options.colour ? `\x1b[${code}m${text}\x1b[0m` : text);
  if (letters.length === 0) return ['no dead letters'];
  const lines: string[] = [];
  for (const letter of letters) {
    const id = `${letter.topic} ${letter.partition} ${letter.offset}`;
    const type = letter.type ? letter.type.replace(/^fr\.ordo\./, '') : '(not a CloudEvent)';
    lines.push(
      `${paint('1', id.padEnd(30))} ${paint('35', (letter.reason ?? '?').padEnd(14))} ${`${letter.service ?? '?'} (${letter.consumerGroup ?? '?'})`.padEnd(28)} ${type} ${displaySubject(letter.subject)}`,
    );
    lines.push(
      `    ${paint('2', `${letter.deadLetteredAt ?? ''} from ${letter.originTopic ?? '?'}[${letter.originPartition ?? '?'}]@${letter.originOffset ?? '?'}`)}`,
    );
    lines.push(`    ${paint('31', letter.error ?? '')}`);
    for (const replay of letter.replays) lines.push(`    ${formatReplay(replay, options)}`);
  }
  return lines;
}

export function formatReplay(replay: ReplayView, options: { colour: boolean }): string {
  const paint = (code: string, text: string) => (options.colour ? `\x1b[${code}m${text}\x1b[0m` : text);
  const colour = replay.outcome === 'processed' ? '32' : replay.outcome === 'pending' ? '33' : '31';
  return `replayed ${replay.replayedAt} by ${replay.replayedBy} → ${replay.topic}[${replay.partition}]@${replay.offset}: ${paint(colour, replay.outcome)}`;
}
