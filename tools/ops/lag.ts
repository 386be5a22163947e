import { createKafka, messagingConfigFromEnv } from '@ordo/messaging';
import { GroupLag, measureConsumerLag } from '../../apps/ops/src/lag/consumer-lag';

/** Reads every group's lag from the brokers, as the dashboard does. */
export async function readLag(env: NodeJS.ProcessEnv, groups?: string[]): Promise<GroupLag[]> {
  const config = messagingConfigFromEnv('cli', env);
  const admin = createKafka({ brokers: config.brokers, clientId: 'ordo-cli-lag' }).admin();
  await admin.connect();
  try {
    return await measureConsumerLag(admin, { groups });
  } finally {
    await admin.disconnect();
  }
}

/** A table like `kafka-consumer-groups.sh --describe`, with each group's total first. */
export function formatLag(groups: GroupLag[], options: { colour: boolean }): string[] {
  const paint = (code: string, text: string) => (options.colour ? `\x1b[${code}m${text}\x1b[0m` : text);
  if (groups.length === 0) return ['no consumer group has committed offsets yet'];
  const lines = [
    `${'GROUP / TOPIC'.padEnd(34)} ${'PART'.padStart(4)} ${'COMMITTED'.padStart(10)} ${'END'.padStart(10)} ${'LAG'.padStart(8)}`,
  ];
  for (const group of groups) {
    const total = String(group.lag).padStart(8);
    lines.push(
      `${paint('1', group.group.padEnd(34))} ${''.padStart(4)} ${''.padStart(10)} ${`${group.state}`.padStart(10)} ${group.lag > 0 ? paint('31;1', total) : paint('32', total)}`,
    );
    for (const p of group.partitions) {
      const lag = String(p.lag).padStart(8);
      lines.push(
        `  ${p.topic.padEnd(32)} ${String(p.partition).padStart(4)} ${(p.committed ?? '-').padStart(10)} ${p.end.padStart(10)} ${p.lag > 0 ? paint('31', lag) : lag}`,
      );
    }
  }
  return lines;
}
