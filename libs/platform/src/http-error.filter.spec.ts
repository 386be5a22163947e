import { ArgumentsHost } from '@nestjs/common';
import { DomainError } from './domain-error';
import { HttpErrorFilter } from './http-error.filter';

function answerTo(exception: unknown) {
  const sent: { status?: number; headers: Record<string, string>; body?: unknown } = { headers: {} };
  const reply = {
    status(code: number) {
      sent.status = code;
      return reply;
    },
    header(name: string, value: string) {
      sent.headers[name] = value;
      return reply;
    },
    send(body: unknown) {
      sent.body = body;
      return reply;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => reply }) } as unknown as ArgumentsHost;
  new HttpErrorFilter().catch(exception, host);
  return sent;
}

describe('HttpErrorFilter', () => {
  it('answers a domain error with its status and code', () => {
    expect(answerTo(new DomainError('CLAIMED_ELSEWHERE', 'held', 409))).toMatchObject({ status: 409, body: { code: 'CLAIMED_ELSEWHERE' } });
  });

  it('answers a database that refuses connections with a retriable 503, not a 500', () => {
    const tooMany = Object.assign(new Error('sorry, too many clients already'), { code: '53300' });
    expect(answerTo(tooMany)).toEqual({
      status: 503,
      headers: { 'retry-after': '1' },
      body: { statusCode: 503, code: 'SERVICE_UNAVAILABLE', message: 'a system Ordo depends on is unavailable; retry shortly' },
    });
    expect(answerTo(new Error('Connection terminated unexpectedly')).status).toBe(503);
  });

  it('answers anything else with a 500 that shows no detail', () => {
    expect(answerTo(new TypeError('x is undefined'))).toMatchObject({
      status: 500,
      body: { statusCode: 500, code: 'INTERNAL_ERROR', message: 'internal error' },
    });
  });
});
