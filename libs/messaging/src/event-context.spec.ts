import { EventBatch } from './event-context';

describe('event batch', () => {
  it('runs after-abort steps only when told the transaction failed', () => {
    const batch = new EventBatch([]);
    const ran: string[] = [];
    batch.afterCommit(() => ran.push('commit'));
    batch.afterAbort(() => ran.push('abort'));
    batch.aborted();
    expect(ran).toEqual(['abort']);
  });

  it('runs after-commit steps only when told the batch committed, each even if one before it throws', () => {
    const batch = new EventBatch([]);
    const ran: string[] = [];
    batch.afterCommit(() => {
      ran.push('first');
      throw new Error('boom');
    });
    batch.afterCommit(() => ran.push('second'));
    expect(ran).toEqual([]);
    batch.committed();
    expect(ran).toEqual(['first', 'second']);
  });
});
