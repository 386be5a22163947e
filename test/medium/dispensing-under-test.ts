import { Test, TestingModule } from '@nestjs/testing';
import { ServiceConfigModule, loadConfig } from '@ordo/config';
import {
  CloudEvent,
  EventContract,
  PatientIdentity,
  PrescribedLine,
  PrescriptionIssued,
  Topics,
  createCloudEvent,
  decodeEventData,
  patientKeysFromEnv,
  pseudonymise,
  sealPatient,
} from '@ordo/contracts';
import { EventBatch, EventContext, KAFKA, OutboxRelay } from '@ordo/messaging';
import { DomainError } from '@ordo/platform';
import { KeyRing, PrescriptionId, QrTokenSigner, formatPrescriptionId, generatePrescriptionId, generateSigningKey } from '@ordo/rx-id';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ClaimAnswer, ClaimPrescription } from '../../apps/dispensing/src/claims/claim-prescription.usecase';
import { ScanAnswer, ScanPrescription } from '../../apps/dispensing/src/scans/scan-prescription.usecase';
import { Claim } from '../../apps/dispensing/src/claims/claim.entity';
import { DispensingModule } from '../../apps/dispensing/src/dispensing.module';
import { dispensingSettings } from '../../apps/dispensing/src/dispensing.settings';
import { FraudCheckClient } from '../../apps/dispensing/src/fraud-check/fraud-check.client';
import { DispensablePrescription } from '../../apps/dispensing/src/prescriptions/dispensable-prescription.entity';
import { PrescriptionEventsController } from '../../apps/dispensing/src/prescriptions/prescription-events.controller';
import { Pharmacy, Presented } from '../../apps/dispensing/src/scans/code-reader';
import { freshPatientIns } from '../support/fixtures';
import { mediumDatabase } from './medium-env';
import { NoBroker } from './no-broker';
import { ScriptedFraudCheck } from './scripted-fraud-check';

/** DOLIPRANE 1000 mg, box of 8 (CIS 60234100): no condition of dispensing. */
export const PARACETAMOL: PrescribedLine = {
  lineNo: 1,
  cis: '60234100',
  cip13: '3400935955838',
  label: 'DOLIPRANE 1000 mg, comprimé',
  dosage: '1 comprimé jusqu’à 3 fois par jour',
  quantity: 24,
  unit: 'comprimé',
  durationDays: 8,
  renewals: 0,
  substitutable: true,
  regulation: {
    narcotic: false,
    listI: false,
    listII: false,
    securePrescription: false,
    quantitiesInWords: false,
    substances: ['PARACÉTAMOL'],
  },
};

/** SKENAN L.P. 10 mg, box of 14 (CIS 61227030): morphine, a stupéfiant. */
export const MORPHINE: PrescribedLine = {
  lineNo: 1,
  cis: '61227030',
  cip13: '3400933323523',
  label: 'SKENAN L.P. 10 mg',
  dosage: '1 gélule matin et soir',
  quantity: 28,
  unit: 'gélule',
  durationDays: 14,
  renewals: 0,
  substitutable: true,
  regulation: {
    narcotic: true,
    listI: false,
    listII: false,
    securePrescription: true,
    quantitiesInWords: true,
    substances: ['SULFATE DE MORPHINE'],
  },
};

export interface IssuedPrescription {
  id: PrescriptionId;
  /** The QR code as printed on the ordonnance. */
  code: string;
  /** The ID as a pharmacist types it when the code will not scan. */
  typedId: string;
  patient: PatientIdentity;
  patientPseudonym: string;
}

/** What the pharmacy's software gets back for a refused claim (the HTTP error filter's body, status aside). */
export interface Refusal {
  status: number;
  code: string;
  [detail: string]: unknown;
}

/**
 * Dispensing's real module (its use cases, TypeORM repositories and migrated PostgreSQL database)
 * with only what lies outside the service faked: fraud's verdicts and the Kafka broker.
 */
export class DispensingUnderTest {
  private constructor(
    private readonly app: TestingModule,
    readonly fraud: ScriptedFraudCheck,
    readonly broker: NoBroker,
    private readonly signer: QrTokenSigner,
    private readonly patientKeys: ReturnType<typeof patientKeysFromEnv>,
  ) {}

  static async start(): Promise<DispensingUnderTest> {
    // The key prescribing signs QR codes with; dispensing is configured with its public half, as
    // in production, so it verifies codes itself and fetches nothing from a prescribing service.
    const qrKey = generateSigningKey('medium-1');
    const config = loadConfig(dispensingSettings, {
      DATABASE_URL: process.env.DATABASE_URL,
      DATABASE_NAME: mediumDatabase('dispensing'),
      // Should anything build a real Kafka client after all, nobody listens on the discard port.
      KAFKA_BROKERS: '127.0.0.1:9',
      NODE_ENV: 'test',
      QR_SIGNING_KEYS: JSON.stringify([{ kid: qrKey.kid, publicKeyPem: qrKey.publicKeyPem, status: 'active' }]),
      // A key of its own, so booting neither reads nor writes the shared development key file.
      AUTH_PUBLIC_KEY: generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      PATIENT_BLOCK_KEYS: JSON.stringify({ 'medium-1': randomBytes(32).toString('base64') }),
      PATIENT_PSEUDONYM_KEY: randomBytes(32).toString('base64'),
      FRAUD_CHECK_TIMEOUT_MS: '100',
    });
    const fraud = new ScriptedFraudCheck(config.FRAUD_CHECK_TIMEOUT_MS);
    const broker = new NoBroker();
    const app = await Test.createTestingModule({ imports: [ServiceConfigModule.forRoot(config), DispensingModule] })
      .overrideProvider(FraudCheckClient)
      .useValue(fraud)
      .overrideProvider(KAFKA)
      .useValue(broker)
      // The relay would publish the outbox to Kafka and delete what it sent; without it the rows
      // stay, and the tests read them as the events each claim emitted.
      .overrideProvider(OutboxRelay)
      .useValue({})
      .compile();
    await app.init();
    const signer = new QrTokenSigner(KeyRing.fromConfig({ activeKid: qrKey.kid, keys: [qrKey] }));
    return new DispensingUnderTest(app, fraud, broker, signer, patientKeysFromEnv(config));
  }

  async stop(): Promise<void> {
    await this.app.close();
  }

  private get dataSource(): DataSource {
    return this.app.get(DataSource);
  }

  /**
   * Prescribing issues a prescription and dispensing learns of it the way it does in production:
   * the `issued` event's data checked against its contract, then dispensing's handler in a
   * transaction. The patient block is sealed with the configured keys, as prescribing seals it.
   */
  async issue(lines: PrescribedLine[], options: { secure?: boolean } = {}): Promise<IssuedPrescription> {
    const id = generatePrescriptionId();
    const patient: PatientIdentity = {
      ins: freshPatientIns(),
      firstName: 'Camille',
      lastName: 'Martin',
      birthDate: '1984-03-17',
      sex: 'F',
    };
    const patientPseudonym = pseudonymise(patient.ins, this.patientKeys);
    const issuedAt = new Date();
    const validUntil = new Date(issuedAt);
    validUntil.setMonth(validUntil.getMonth() + 3);
    const event = createCloudEvent('/ordo/prescribing', {
      type: PrescriptionIssued.type,
      subject: id,
      data: {
        prescriptionId: id,
        prescriberRpps: '10000000009',
        patientPseudonym,
        patient: sealPatient(patient, this.patientKeys),
        secure: options.secure ?? lines.some((line) => line.regulation?.securePrescription),
        issuedAt: issuedAt.toISOString(),
        validUntil: validUntil.toISOString(),
        lines: lines.map((line, index) => ({ ...line, lineNo: index + 1 })),
      },
    });
    const issued = decodeEventData(PrescriptionIssued, event.data);
    const handlers = this.app.get(PrescriptionEventsController);
    await this.dataSource.transaction((manager) =>
      handlers.onIssued(
        issued,
        new EventContext([event, manager, { topic: Topics.prescriptions, partition: 0, offset: '0' }, new EventBatch([event])]),
      ),
    );
    return { id, code: this.signer.sign(id), typedId: formatPrescriptionId(id), patient, patientPseudonym };
  }

  /** `POST /v1/claims` as the pharmacy's software sends it, minus HTTP. */
  claim(pharmacy: Pharmacy, presented: Presented, idempotencyKey?: string): Promise<ClaimAnswer> {
    return this.app.get(ClaimPrescription).execute({ ...presented, pharmacy, idempotencyKey });
  }

  /** `POST /v1/scans` as the pharmacy's software sends it, minus HTTP. */
  scan(pharmacy: Pharmacy, presented: Presented, idempotencyKey?: string): Promise<ScanAnswer> {
    return this.app.get(ScanPrescription).execute({ ...presented, pharmacy, idempotencyKey });
  }

  claimsOf(prescriptionId: string): Promise<Claim[]> {
    return this.dataSource.getRepository(Claim).find({ where: { prescriptionId }, order: { createdAt: 'ASC' } });
  }

  async statusOf(prescriptionId: string): Promise<string> {
    return (await this.dataSource.getRepository(DispensablePrescription).findOneByOrFail({ id: prescriptionId })).status;
  }

  /** The events of this type about this prescription waiting in the outbox for the relay, oldest first. */
  async emitted<T extends object>(contract: EventContract<T>, prescriptionId: string): Promise<T[]> {
    const rows: { event: CloudEvent<T> }[] = await this.dataSource.query(
      'SELECT event FROM outbox WHERE topic = $1 AND type = $2 AND key = $3 ORDER BY seq',
      [contract.topic, contract.type, prescriptionId],
    );
    return rows.map((row) => row.event.data);
  }
}

/** What a claim ends in, as the pharmacy's software sees it: the claim, or why it was refused. */
export async function outcomeOf(claiming: Promise<ClaimAnswer>): Promise<{ claimed: ClaimAnswer } | { refused: Refusal }> {
  try {
    return { claimed: await claiming };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { refused: { status: error.status, code: error.code, ...error.details } };
  }
}

/** Awaits a claim that must be refused and gives what the pharmacy would be told. */
export async function refusalOf(claiming: Promise<ClaimAnswer>): Promise<Refusal> {
  const outcome = await outcomeOf(claiming);
  if ('claimed' in outcome) throw new Error(`expected a refusal; claim ${outcome.claimed.claimId} was made`);
  return outcome.refused;
}
