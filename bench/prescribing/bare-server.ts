// Baseline: bare Fastify + pg doing the issuing write as the service does it (the same two rows in one
// statement, into the scratch tables) with only a hand-written shape check, no NestJS,
// class-validator, TypeORM or BDPM rules. The difference from the real endpoint is what those cost.
// Started as its own process by prescribing.bench.ts, which sets BENCH_BARE_PORT, BENCH_DATABASE_URL
// and DATABASE_POOL_SIZE for it (bareServerSettings in bench/support/bench-settings.ts).
import { PatientIdentity, PrescribedLine, patientKeysFromEnv } from '@ordo/contracts';
import { isCip13, isNir } from '@ordo/identifiers';
import { formatPrescriptionId } from '@ordo/rx-id';
import Fastify from 'fastify';
import { Pool } from 'pg';
import { insertIssued } from './rows';
import { BENCH_RPPS } from './fixtures';
import { bareServerSettings, benchConfig } from '../support/bench-settings';

const SETTINGS = benchConfig('the bare Fastify + pg baseline', bareServerSettings);
const port = SETTINGS.BENCH_BARE_PORT;
const pool = new Pool({ connectionString: SETTINGS.BENCH_DATABASE_URL, max: SETTINGS.DATABASE_POOL_SIZE });
const keys = patientKeysFromEnv();
const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });

interface Body {
  prescriber?: unknown;
  patient?: PatientIdentity;
  lines?: Array<{
    cip13?: string;
    label?: string;
    dosage: string;
    quantity: number;
    unit: string;
    durationDays: number;
    renewals: number;
    substitutable?: boolean;
  }>;
  secure?: boolean;
}

app.get('/health', async () => ({ ok: true }));

app.post('/v1/prescriptions', async (request, reply) => {
  const body = request.body as Body;
  if (!body?.patient || !isNir(body.patient.ins) || !Array.isArray(body.lines) || body.lines.length === 0) {
    return reply.code(400).send({ statusCode: 400, code: 'VALIDATION_FAILED' });
  }
  if (!body.lines.every((line) => line.cip13 && isCip13(line.cip13) && Number.isInteger(line.quantity) && line.quantity > 0)) {
    return reply.code(400).send({ statusCode: 400, code: 'VALIDATION_FAILED' });
  }
  // What the rules would add from the BDPM, fixed here.
  const lines: PrescribedLine[] = body.lines.map((line, index) => ({
    lineNo: index + 1,
    cis: '60234100',
    cip13: line.cip13,
    label: line.label ?? 'DOLIPRANE 1000 mg, comprimé',
    dosage: line.dosage,
    quantity: line.quantity,
    unit: line.unit,
    durationDays: line.durationDays,
    renewals: line.renewals,
    substitutable: line.substitutable ?? true,
    regulation: {
      narcotic: false,
      listI: false,
      listII: false,
      securePrescription: false,
      quantitiesInWords: false,
      substances: ['PARACÉTAMOL'],
    },
  }));
  const patient = { ...body.patient };
  const client = await pool.connect();
  try {
    const issued = await insertIssued(
      client,
      { prescriberRpps: BENCH_RPPS, prescriber: body.prescriber, patient, lines, secure: body.secure ?? false },
      keys,
      true,
    );
    reply.code(201).header('location', `/v1/prescriptions/${issued.id}`);
    return {
      id: issued.id,
      displayId: formatPrescriptionId(issued.id as never),
      status: 'ISSUED',
      prescriberRpps: BENCH_RPPS,
      prescriber: body.prescriber,
      patient,
      lines,
      secure: body.secure ?? false,
      issuedAt: issued.issuedAt.toISOString(),
      validUntil: issued.validUntil.toISOString(),
    };
  } finally {
    client.release();
  }
});

app.listen({ port, host: '127.0.0.1' }).then(
  () => console.log(`bare Fastify + pg listening on 127.0.0.1:${port}`),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

const shutdown = () => {
  void app
    .close()
    .then(() => pool.end())
    .finally(() => process.exit(0));
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
