// Waits until a Kafka broker answers a metadata request, not merely until its port opens; for a
// cluster, until the brokers it lists number at least `brokers` (each has joined the quorum).
// Usage: node deploy/local/wait-for-kafka.mjs 127.0.0.1:9092[,127.0.0.1:9094…] [seconds] [brokers]
import { Kafka, logLevel } from 'kafkajs';

const [bootstrap = '127.0.0.1:9092', seconds = '60', expected = '1'] = process.argv.slice(2);
const deadline = Date.now() + Number(seconds) * 1000;
const kafka = new Kafka({ clientId: 'ordo-wait', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 0 } });

let dots = 0;
while (Date.now() < deadline) {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    await admin.disconnect();
    if (cluster.brokers.length >= Number(expected)) {
      if (dots) process.stdout.write('\n');
      console.log(`broker ${bootstrap} answers: cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s)`);
      process.exit(0);
    }
  } catch {
    await admin.disconnect().catch(() => {});
  }
  process.stdout.write(dots++ === 0 ? `waiting for ${bootstrap} .` : '.');
  await new Promise((r) => setTimeout(r, 500));
}
process.stdout.write('\n');
console.error(`broker ${bootstrap} did not answer${Number(expected) > 1 ? ` with ${expected} brokers` : ''} within ${seconds}s`);
process.exit(1);
