import {
  CallHandler,
  ExecutionContext,
  HttpException,
  Inject,
  Injectable,
  Logger,
  NestInterceptor,
  SetMetadata,
  createParamDecorator,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { Principal } from '@ordo/auth';
import { parsePrescriptionId } from '@ordo/rx-id';
import type { FastifyRequest } from 'fastify';
import { Observable, catchError, from, mergeMap, of, throwError } from 'rxjs';
import { Sql, SqlRunner, Statement, statement } from '@ordo/database';
import { DomainError } from '../domain-error';

/** What a logged request did to a prescription. */
export type AccessAction =
  | 'prescription.issue'
  | 'prescription.list'
  | 'prescription.read'
  | 'prescription.print'
  | 'prescription.cancel'
  | 'prescription.scan'
  | 'prescription.claim';

const ACCESS_ACTION = 'ordo:access-action';

/** Marks a route whose answer shows a patient's identity: every call to it is recorded, whatever its outcome. */
export const AccessLogged = (action: AccessAction) => SetMetadata(ACCESS_ACTION, action);

/** Where a service keeps its prescriptions, to record whose they are (`patient_pseudonym`). */
export interface AccessLogOptions {
  prescriptionTable: 'prescription' | 'dispensable_prescription';
}

export const ACCESS_LOG_OPTIONS = Symbol('ordo:access-log-options');

/**
 * The record of one `@AccessLogged` request, for a use case that writes it in the statement of the
 * change the request makes (issuing, claiming): it then commits with that change or not at all, and
 * costs no statement and no commit of its own. Where no use case wrote it (a read, a refusal, a
 * replayed answer), the interceptor does, as it answers.
 */
export class AccessRecord {
  private written = false;

  constructor(
    readonly action: AccessAction,
    private readonly principal: Principal | undefined,
    private readonly address: string,
    /** The status the route answers with when it succeeds. */
    readonly status: number,
  ) {}

  /** The parameters of `accessRecordInsert`, in its order. */
  values(): AccessRecordValues {
    return [
      this.action,
      this.principal?.roles.join(',') ?? 'anonymous',
      this.principal?.subject ?? 'anonymous',
      this.principal?.rpps ?? null,
      this.principal?.finess ?? null,
      this.address,
      this.status,
    ];
  }

  /** Counts it as written once `runner`'s transaction, whose statement wrote it, has committed. */
  writtenIn(runner: SqlRunner): void {
    runner.afterCommit(() => (this.written = true));
  }

  get isWritten(): boolean {
    return this.written;
  }
}

export type AccessRecordValues = [string | null, string | null, string | null, string | null, string | null, string | null, number | null];

/** The parameters of `accessRecordInsert` when the statement records no access (another caller than an HTTP route). */
export const NO_ACCESS_RECORD: AccessRecordValues = [null, null, null, null, null, null, null];

/** What a record holds besides its time (both statements that write one name them in this order). */
const ACCESS_LOG_COLUMNS = `action, prescription_id, patient_pseudonym, actor_role, actor_subject, actor_rpps, actor_finess, client_address,
  outcome_status, outcome_code`;

/**
 * For a repository's statement: writes the access record of the prescriptions in `source` (a CTE
 * returning `id` and `patient_pseudonym`), from the seven parameters `$first`… (`AccessRecord.values`);
 * nothing when they are `NO_ACCESS_RECORD`.
 */
export function accessRecordInsert(source: string, first: number): string {
  const p = (offset: number) => `$${first + offset}`;
  return `INSERT INTO access_log (${ACCESS_LOG_COLUMNS})
     SELECT ${p(0)}::text, s.id, s.patient_pseudonym, ${p(1)}::text, ${p(2)}::text, ${p(3)}::char(11), ${p(4)}::char(9), ${p(5)}::text,
            ${p(6)}::smallint, NULL
     FROM ${source} s WHERE ${p(0)}::text IS NOT NULL`;
}

const ACCESS_RECORD = Symbol('ordo:access-record');

type RecordedRequest = FastifyRequest & { principal?: Principal; [ACCESS_RECORD]?: AccessRecord };

/** The access record of this `@AccessLogged` request, for a use case to write with its change. */
export const RequestAccess = createParamDecorator(
  (_: unknown, context: ExecutionContext): AccessRecord | undefined => context.switchToHttp().getRequest<RecordedRequest>()[ACCESS_RECORD],
);

/** The prescriptions an answer shows: a list's items, a prescription, or what a claim or scan shows. */
function shownPrescriptions(answer: unknown): string[] {
  if (typeof answer !== 'object' || answer === null) return [];
  const value = answer as { id?: unknown; prescription?: { id?: unknown }; items?: { id?: unknown }[] };
  if (Array.isArray(value.items)) return value.items.map((item) => item?.id).filter((id): id is string => typeof id === 'string');
  const id = value.prescription?.id ?? value.id;
  return typeof id === 'string' ? [id] : [];
}

/** The prescription a refused request asked for, when its path names one. */
function requestedPrescription(request: FastifyRequest): string[] {
  const raw = (request.params as Record<string, string> | undefined)?.id;
  const parsed = raw === undefined ? undefined : parsePrescriptionId(raw);
  return parsed?.ok ? [parsed.id] : [];
}

function outcomeOf(error: unknown): { status: number; code?: string } {
  if (error instanceof DomainError) return { status: error.status, code: error.code };
  if (error instanceof HttpException) {
    const body = error.getResponse();
    const code = typeof body === 'object' && body !== null && 'code' in body ? String((body as { code: unknown }).code) : undefined;
    return { status: error.getStatus(), ...(code ? { code } : {}) };
  }
  return { status: 500, code: 'INTERNAL_ERROR' };
}

/**
 * Records who saw which patient's prescription: every call to an `@AccessLogged` route, after it
 * answered and before the answer leaves, so no identity is shown unrecorded. A record that cannot
 * be written turns the answer into a 503: traceability is not optional.
 */
@Injectable()
export class AccessLogInterceptor implements NestInterceptor {
  private readonly logger = new Logger(AccessLogInterceptor.name);

  /** One statement on every logged request: prepared once per connection. */
  private readonly insert: Statement;

  constructor(
    private readonly reflector: Reflector,
    private readonly sql: Sql,
    @Inject(ACCESS_LOG_OPTIONS) private readonly options: AccessLogOptions,
  ) {
    // One record per prescription shown; the patient of each is looked up as the rows are written.
    this.insert = statement(
      'access_log_insert',
      `INSERT INTO access_log (${ACCESS_LOG_COLUMNS})
       SELECT $1, shown.id, p.patient_pseudonym, $3, $4, $5, $6, $7, $8, $9
       FROM unnest($2::char(18)[]) AS shown(id) LEFT JOIN ${options.prescriptionTable} p ON p.id = shown.id`,
    );
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const action = this.reflector.get<AccessAction | undefined>(ACCESS_ACTION, context.getHandler());
    if (!action || context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<RecordedRequest>();
    // The status a handler answers with is set after it returns: read it where Nest keeps it.
    const status =
      this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? (request.method === 'POST' ? 201 : 200);
    const record = new AccessRecord(action, request.principal, request.ip, status);
    request[ACCESS_RECORD] = record;
    return next.handle().pipe(
      mergeMap((answer) => {
        // The use case wrote it with the change it made.
        if (record.isWritten) return of(answer);
        // A PDF answers with bytes: the prescription it shows is the one its path names.
        const shown = shownPrescriptions(answer);
        return from(this.write(record, shown.length > 0 ? shown : requestedPrescription(request), { status }).then(() => answer));
      }),
      catchError((error: unknown) => {
        const outcome = outcomeOf(error);
        // A malformed request (400) was refused before it could read anything: no access to record.
        // One whose change committed with its record failed after it: that record stands.
        if (outcome.status === 400 || record.isWritten) return throwError(() => error);
        return from(this.write(record, requestedPrescription(request), outcome)).pipe(mergeMap(() => throwError(() => error)));
      }),
    );
  }

  private async write(record: AccessRecord, prescriptionIds: string[], outcome: { status: number; code?: string }): Promise<void> {
    const [action, roles, subject, rpps, finess, address] = record.values();
    const ids = prescriptionIds.length > 0 ? prescriptionIds : [null];
    try {
      await this.sql.query(this.insert, [action, ids, roles, subject, rpps, finess, address, outcome.status, outcome.code ?? null]);
    } catch (error) {
      this.logger.error(`access not recorded (${record.action}): ${(error as Error).message}`);
      throw new DomainError('ACCESS_LOG_UNAVAILABLE', 'the access could not be recorded; retry shortly', 503);
    }
  }
}
