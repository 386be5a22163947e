import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, PoolClient, QueryConfig } from 'pg';
import { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * A statement the server parses and plans once per connection (a named prepared statement), for
 * the queries every request runs. The name must be unique in the service.
 */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

export function statement(name: string, text: string): Statement {
  return { name, text };
}

/** Where a statement runs: the pool (the statement is its own transaction) or an open transaction. */
export interface SqlRunner {
  query<Row = Record<string, unknown>>(sql: Statement | string, values?: readonly unknown[]): Promise<Row[]>;
  /** Runs after the statement's transaction committed: at once for the pool, at COMMIT for a transaction. */
  afterCommit(step: () => void): void;
}

const logger = new Logger('Sql');

/** Where a TypeORM transaction keeps the after-commit steps of statements run in it through `Sql.within`. */
const AFTER_COMMIT = Symbol('after commit');

function stepsOf(queryRunner: QueryRunner): (() => void)[] | undefined {
  return (queryRunner.data as Record<symbol, (() => void)[] | undefined>)[AFTER_COMMIT];
}

function config(sql: Statement | string, values: readonly unknown[] = []): QueryConfig {
  return typeof sql === 'string' ? { text: sql, values: [...values] } : { name: sql.name, text: sql.text, values: [...values] };
}

function runAll(steps: (() => void)[]): void {
  for (const step of steps) {
    try {
      step();
    } catch (error) {
      logger.error(`after-commit step failed: ${(error as Error).stack ?? error}`);
    }
  }
}

/**
 * Plain SQL on the service's connection pool (the one TypeORM opened, so the pool size setting holds
 * for both). The hot paths use it behind repositories: a statement is one round trip with nothing
 * built per call, where TypeORM's query builder and its transaction wrapper cost more CPU than the
 * database does (bench/results/dispensing-2026-11-22.md). TypeORM stays for migrations and cold paths.
 */
@Injectable()
export class Sql implements SqlRunner {
  private readonly pool: Pool;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.pool = (dataSource.driver as PostgresDriver).master as Pool;
    const transactions: EntitySubscriberInterface = {
      afterTransactionCommit: ({ queryRunner }) => {
        const steps = stepsOf(queryRunner);
        if (!steps) return;
        delete (queryRunner.data as Record<symbol, unknown>)[AFTER_COMMIT];
        runAll(steps);
      },
      afterTransactionRollback: ({ queryRunner }) => {
        delete (queryRunner.data as Record<symbol, unknown>)[AFTER_COMMIT];
      },
    };
    dataSource.subscribers.push(transactions);
  }

  /**
   * The transaction a TypeORM `EntityManager` holds (an event handler's, whose inbox row commits
   * with what it writes), for statements of this kind; the pool if it holds none.
   */
  within(manager: EntityManager): SqlRunner {
    const queryRunner = manager.queryRunner;
    if (!queryRunner?.isTransactionActive) return this;
    const client = (queryRunner as QueryRunner & { databaseConnection: PoolClient }).databaseConnection;
    return new SqlTransaction(client, (step) => {
      const data = queryRunner.data as Record<symbol, (() => void)[] | undefined>;
      (data[AFTER_COMMIT] ??= []).push(step);
    });
  }

  async query<Row = Record<string, unknown>>(sql: Statement | string, values?: readonly unknown[]): Promise<Row[]> {
    const result = await this.pool.query(config(sql, values));
    return result.rows as Row[];
  }

  afterCommit(step: () => void): void {
    runAll([step]);
  }

  /**
   * Runs `work` in one transaction on one connection: committed if it returns, rolled back if it
   * throws (the error is rethrown). After-commit steps run once COMMIT has succeeded.
   */
  async transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const tx = new SqlTransaction(client);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(tx);
      await client.query('COMMIT');
      tx.committed();
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        // The connection is unusable: the pool must not hand it out again.
        broken = rollbackError;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }
}

export class SqlTransaction implements SqlRunner {
  private readonly afterCommitSteps: (() => void)[] = [];

  constructor(
    private readonly client: PoolClient,
    private readonly onCommit: (step: () => void) => void = (step) => this.afterCommitSteps.push(step),
  ) {}

  async query<Row = Record<string, unknown>>(sql: Statement | string, values?: readonly unknown[]): Promise<Row[]> {
    const result = await this.client.query(config(sql, values));
    return result.rows as Row[];
  }

  afterCommit(step: () => void): void {
    this.onCommit(step);
  }

  /** Called by `Sql.transaction` after COMMIT. */
  committed(): void {
    runAll(this.afterCommitSteps);
  }
}
