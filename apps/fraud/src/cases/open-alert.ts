import { EntityManager } from 'typeorm';
import { FraudAlert } from '../alerts/fraud-alert.entity';
import { AlertNotFound, CaseAlreadyClosed } from './case.errors';

/** The case an analyst acts on, locked for the transaction; refused if unknown or already closed. */
export async function lockOpenAlert(manager: EntityManager, alertId: string): Promise<FraudAlert> {
  const alert = await manager.findOne(FraudAlert, { where: { id: alertId }, lock: { mode: 'pessimistic_write' } });
  if (!alert) throw new AlertNotFound(alertId);
  if (alert.status !== 'open') throw new CaseAlreadyClosed(alertId);
  return alert;
}
