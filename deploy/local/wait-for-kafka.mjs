// Waits until a Kafka broker answers a metadata request, not merely until its port opens.
// Usage: node deploy/local/wait-for-kafka.mjs 127.0.0.1:9092 [seconds]
import { Kafka, logLevel } from 'kafkajs';

const [broker = '127.0.0.1:9092', seconds = '60'] = process.argv.slice(2);
const deadline = Date.now() + Number(seconds) * 1000;
const kafka = new Kafka({ clientId: 'ordo-wait', brokers: [broker], logLevel: logLevel.NOTHING, retry: { retries: 0 } });

let dots = 0;
while (Date.now() < deadline) {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    await admin.disconnect();
    if (dots) process.stdout.write('\n');
    console.log(`broker ${broker} answers: cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s)`);
    process.exit(0);
  } catch {
    await admin.disconnect().catch(() => {});
    process.stdout.write(dots++ === 0 ? `waiting for ${broker} .` : '.');
    await new Promise((r) => setTimeout(r, 500));
  }
}
process.stdout.write('\n');
console.error(`broker ${broker} did not answer within ${seconds}s`);
process.exit(1);
