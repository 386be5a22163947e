import { Injectable } from '@nestjs/common';
import { Sql, SqlRunner, statement } from '@ordo/database';
import { EntityManager } from 'typeorm';
import { DomainError } from '../domain-error';
import { requestHash } from './request-hash';

export interface StoredAnswer<T> {
  statusCode: number;
  body: T;
}

export class IdempotencyKeyReused extends DomainError {
  constructor(key: string) {
    super('IDEMPOTENCY_KEY_REUSED', `Idempotency-Key ${key} was already used with another request body`, 422);
  }
}

/** Rolls back a transaction whose answer another request with the same key already stored. */
export class AnswerStoredMeanwhile extends Error {}

const KEY_FORMAT = /^[A-Za-z0-9_.:-]{8,100}$/;

const FIND = statement(
  'idempotent_request_find',
  'SELECT request_hash, status_code, response FROM idempotent_request WHERE scope = $1 AND key = $2',
);
const STORE = statement(
  'idempotent_request_store',
  `INSERT INTO idempotent_request (scope, key, request_hash, status_code, response) VALUES ($1, $2, $3, $4, $5)
   ON CONFLICT DO NOTHING RETURNING key`,
);

/**
 * Remembers the answer to a request sent with an Idempotency-Key, per caller (the `scope`: a
 * prescriber, a pharmacy), so a retry gets the same answer and changes nothing. The answer is stored
 * in the transaction that made it, in the service's `idempotent_request` table; a concurrent request
 * with the same key waits on that row and then finds it taken.
 */
@Injectable()
export class IdempotentRequests {
  constructor(private readonly sql: Sql) {}

  validate(key: string | undefined): void {
    if (key !== undefined && !KEY_FORMAT.test(key)) {
      throw new DomainError('INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 8 to 100 characters of A-Z a-z 0-9 _ . : -', 400);
    }
  }

  /** The request as it is compared with a retry: its JSON, whatever the order of its keys. */
  hash(request: unknown): string {
    return requestHash(request);
  }

  /** The earlier answer to this key, or undefined; throws when the key came with another request. */
  async earlier<T>(scope: string, key: string, hash: string, within?: SqlRunner | EntityManager): Promise<StoredAnswer<T> | undefined> {
    const [row] = await this.runner(within).query<{ request_hash: string; status_code: number; response: T }>(FIND, [scope, key]);
    if (!row) return undefined;
    if (row.request_hash !== hash) throw new IdempotencyKeyReused(key);
    return { statusCode: row.status_code, body: row.response };
  }

  /** Stores the answer in the caller's transaction; throws AnswerStoredMeanwhile if another request won. */
  async store(within: SqlRunner | EntityManager, scope: string, key: string, hash: string, answer: StoredAnswer<unknown>): Promise<void> {
    const stored = await this.runner(within).query(STORE, [scope, key, hash, answer.statusCode, JSON.stringify(answer.body)]);
    if (stored.length === 0) throw new AnswerStoredMeanwhile();
  }

  private runner(within: SqlRunner | EntityManager | undefined): SqlRunner {
    if (!within) return this.sql;
    return within instanceof EntityManager ? this.sql.within(within) : within;
  }
}
