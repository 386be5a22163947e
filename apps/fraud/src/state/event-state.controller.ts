import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  DispensingRefused,
  PrescriptionCancelled,
  PrescriptionClaimed,
  PrescriptionDispensed,
  PrescriptionExpired,
  PrescriptionIssued,
  PrescriptionScanned,
} from '@ordo/contracts';
import { EventContext, EventsController } from '@ordo/messaging';
import { overQuantityRatio } from '../rules/fraud-facts';
import { FraudStateRepository } from './fraud-state.repository';
import { RecordPrescriptionEnded } from './record-ended.usecase';
import { RecordPrescriptionIssued } from './record-issued.usecase';
import { RecordPresentation } from './record-presentation.usecase';

/** Every prescription and dispensing event, into fraud's state and through the rules. */
@EventsController()
export class EventStateController {
  constructor(
    private readonly recordIssued: RecordPrescriptionIssued,
    private readonly recordEnded: RecordPrescriptionEnded,
    private readonly recordPresentation: RecordPresentation,
    private readonly state: FraudStateRepository,
  ) {}

  @EventPattern(PrescriptionIssued.type)
  async onIssued(@Payload() issued: PrescriptionIssued, @Ctx() context: EventContext) {
    await this.recordIssued.execute(context, issued);
    // Presentations that arrived before this event, applied now in their order, each through its own handler.
    const state = await this.state.workingSet(context);
    for (const parked of state.takeParked(issued.prescriptionId)) await context.batch.apply(parked);
  }

  @EventPattern(PrescriptionCancelled.type)
  async onCancelled(@Payload() cancelled: PrescriptionCancelled, @Ctx() context: EventContext) {
    await this.recordEnded.execute(context, cancelled.prescriptionId, 'cancelled');
  }

  @EventPattern(PrescriptionExpired.type)
  async onExpired(@Payload() expired: PrescriptionExpired, @Ctx() context: EventContext) {
    await this.recordEnded.execute(context, expired.prescriptionId, 'expired');
  }

  @EventPattern(PrescriptionScanned.type)
  async onScanned(@Payload() scanned: PrescriptionScanned, @Ctx() context: EventContext) {
    // An unreadable code names no prescription: there is nothing to attach a case to.
    if (!scanned.prescriptionId) return;
    const status = scanned.status?.toUpperCase();
    await this.recordPresentation.execute(context, {
      trigger: 'scanned',
      prescriptionId: scanned.prescriptionId,
      pharmacyFiness: scanned.pharmacyFiness,
      facts: {
        scanOutcome: scanned.outcome,
        ...(status === 'CANCELLED' ? { presentedAfterEnd: 'cancelled' as const } : {}),
        ...(status === 'EXPIRED' ? { presentedAfterEnd: 'expired' as const } : {}),
      },
      // Genuine or typed, on a prescription with nothing left: the code is being used again.
      apply: (prescription) => ({
        usedCodePresented:
          (status === 'DISPENSED' || prescription.status === 'dispensed') && (scanned.outcome === 'genuine' || scanned.outcome === 'typed'),
      }),
    });
  }

  @EventPattern(PrescriptionClaimed.type)
  async onClaimed(@Payload() claimed: PrescriptionClaimed, @Ctx() context: EventContext) {
    await this.recordPresentation.execute(context, {
      trigger: 'claimed',
      prescriptionId: claimed.prescriptionId,
      pharmacyFiness: claimed.pharmacyFiness,
    });
  }

  @EventPattern(PrescriptionDispensed.type)
  async onDispensed(@Payload() dispensed: PrescriptionDispensed, @Ctx() context: EventContext) {
    await this.recordPresentation.execute(context, {
      trigger: 'dispensed',
      prescriptionId: dispensed.prescriptionId,
      pharmacyFiness: dispensed.pharmacyFiness,
      apply: (prescription) => {
        for (const given of dispensed.lines) {
          const line = prescription.lines.find((candidate) => candidate.lineNo === given.lineNo);
          if (line) line.dispensed += given.quantity;
        }
        prescription.status = dispensed.complete ? 'dispensed' : 'partially-dispensed';
        return { overQuantityRatio: overQuantityRatio(prescription.lines) };
      },
    });
  }

  @EventPattern(DispensingRefused.type)
  async onRefused(@Payload() refused: DispensingRefused, @Ctx() context: EventContext) {
    await this.recordPresentation.execute(context, {
      trigger: 'refused',
      prescriptionId: refused.prescriptionId,
      pharmacyFiness: refused.pharmacyFiness,
      facts: {
        refusalReason: refused.reason,
        ...(refused.reason === 'CANCELLED' ? { presentedAfterEnd: 'cancelled' as const } : {}),
        ...(refused.reason === 'EXPIRED' ? { presentedAfterEnd: 'expired' as const } : {}),
      },
    });
  }
}
