import { ServiceConfigModule } from '@ordo/config';
import { Controller, Get } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { AuthModule, CurrentPrincipal, devTokenSigner, mintToken, Public, Roles, type Principal, type TokenSigner } from './index';

@Controller()
class PrescriptionsTestController {
  @Public()
  @Get('health')
  health() {
    return { status: 'ok' };
  }

  @Roles('prescriber')
  @Get('prescriptions')
  prescriptions(@CurrentPrincipal() principal: Principal) {
    return { rpps: principal.rpps, subject: principal.subject };
  }

  @Roles('pharmacist')
  @Get('claims')
  claims(@CurrentPrincipal() principal: Principal) {
    return { finess: principal.finess, rpps: principal.rpps };
  }

  @Get('me')
  me(@CurrentPrincipal() principal: Principal) {
    return principal;
  }
}

@Roles('fraud-analyst')
@Controller('alerts')
class AlertsTestController {
  @Get()
  list() {
    return [];
  }

  @Roles('ops', 'fraud-analyst')
  @Get('stats')
  stats() {
    return { open: 0 };
  }
}

const RPPS = '10003000006';
const FINESS = '750712184';

describe('BearerAuthGuard', () => {
  let dir: string;
  let app: NestFastifyApplication;
  let signer: TokenSigner;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ordo-auth-'));
    const devKeyFile = join(dir, 'auth-dev-key.json');
    signer = devTokenSigner({ devKeyFile, issuer: 'ordo-dev', audience: 'ordo' });
    const moduleRef = await Test.createTestingModule({
      imports: [ServiceConfigModule.forRoot({}), AuthModule.forRoot({ devKeyFile, issuer: 'ordo-dev', audience: 'ordo' })],
      controllers: [PrescriptionsTestController, AlertsTestController],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (url: string, token?: string, authorization = token && `Bearer ${token}`) =>
    app
      .getHttpAdapter()
      .getInstance()
      .inject({ method: 'GET', url, headers: authorization ? { authorization } : {} });

  /** A token with exactly these claims, for the shapes `mintToken` refuses to make. */
  const rawToken = (
    claims: Record<string, unknown>,
    sign: { issuer?: string; audience?: string; expiresAt?: number; key?: TokenSigner['privateKey'] } = {},
  ) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA' })
      .setSubject('rpps:' + RPPS)
      .setIssuer(sign.issuer ?? 'ordo-dev')
      .setAudience(sign.audience ?? 'ordo')
      .setIssuedAt()
      .setExpirationTime(sign.expiresAt ?? Math.floor(Date.now() / 1000) + 600)
      .sign(sign.key ?? signer.privateKey);

  it('lets anyone reach a public route', async () => {
    const response = await get('/health');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('answers 401 UNAUTHENTICATED without a token, and says how to send one', async () => {
    const response = await get('/prescriptions');
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({
      statusCode: 401,
      code: 'UNAUTHENTICATED',
      message: 'missing bearer token: send Authorization: Bearer <token>',
    });
    expect(response.headers['www-authenticate']).toMatch(/^Bearer /);
  });

  it('answers 401 to an Authorization header of another scheme', async () => {
    const response = await get('/prescriptions', undefined, 'Basic dXNlcjpwYXNz');
    expect(response.statusCode).toBe(401);
    expect(response.json().message).toBe('Authorization header must be: Bearer <token>');
  });

  it('answers 401 to a token that is not a JWT', async () => {
    const response = await get('/prescriptions', 'not-a-jwt');
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'UNAUTHENTICATED', message: 'token is not a well-formed signed JWT' });
  });

  it('answers 401 to a token signed by another key', async () => {
    const stranger = generateKeyPairSync('ed25519').privateKey;
    const response = await get('/prescriptions', await rawToken({ roles: ['prescriber'], rpps: RPPS }, { key: stranger }));
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'UNAUTHENTICATED', message: 'token signature is invalid' });
  });

  it('answers 401 to a token whose signature was tampered with', async () => {
    const token = await mintToken({ role: 'prescriber', rpps: RPPS }, signer);
    const [header, payload] = token.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), rpps: '19999999998' }),
    ).toString('base64url');
    const response = await get('/prescriptions', `${header}.${forgedPayload}.${token.split('.')[2]}`);
    expect(response.statusCode).toBe(401);
    expect(response.json().message).toBe('token signature is invalid');
  });

  it('answers 401 to a token signed with an algorithm other than the key’s', async () => {
    const hmac = await new SignJWT({ roles: ['prescriber'], rpps: RPPS })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('rpps:' + RPPS)
      .setIssuer('ordo-dev')
      .setAudience('ordo')
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode('a shared secret anyone could know'));
    const response = await get('/prescriptions', hmac);
    expect(response.statusCode).toBe(401);
    expect(response.json().message).toBe('token is signed with an algorithm that is not accepted');
  });

  it('answers 401 to an expired token', async () => {
    const response = await get(
      '/prescriptions',
      await rawToken({ roles: ['prescriber'], rpps: RPPS }, { expiresAt: Math.floor(Date.now() / 1000) - 120 }),
    );
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'UNAUTHENTICATED', message: 'token has expired' });
  });

  it('still accepts a token that expired within the 30 s clock tolerance', async () => {
    const response = await get(
      '/prescriptions',
      await rawToken({ roles: ['prescriber'], rpps: RPPS }, { expiresAt: Math.floor(Date.now() / 1000) - 10 }),
    );
    expect(response.statusCode).toBe(200);
  });

  it('answers 401 to a token from another issuer', async () => {
    const response = await get('/prescriptions', await rawToken({ roles: ['prescriber'], rpps: RPPS }, { issuer: 'somebody-else' }));
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringContaining('"iss"') });
  });

  it('answers 401 to a token meant for another audience', async () => {
    const response = await get('/prescriptions', await rawToken({ roles: ['prescriber'], rpps: RPPS }, { audience: 'another-service' }));
    expect(response.statusCode).toBe(401);
    expect(response.json().message).toContain('"aud"');
  });

  it('answers 401 to a prescriber token without an rpps claim', async () => {
    const response = await get('/prescriptions', await rawToken({ roles: ['prescriber'] }));
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'UNAUTHENTICATED', message: 'prescriber token requires an rpps claim' });
  });

  it('answers 401 to a prescriber token whose rpps is not 11 digits', async () => {
    const response = await get('/prescriptions', await rawToken({ roles: ['prescriber'], rpps: '1234' }));
    expect(response.statusCode).toBe(401);
    expect(response.json().message).toBe('rpps claim must be 11 digits');
  });

  it('answers 401 to a pharmacist token without a finess claim', async () => {
    const response = await get('/claims', await rawToken({ roles: ['pharmacist'], rpps: RPPS }));
    expect(response.statusCode).toBe(401);
    expect(response.json().message).toBe('pharmacist token requires a finess claim');
  });

  it('answers 403 FORBIDDEN naming the role a pharmacist lacks to prescribe', async () => {
    const token = await mintToken({ role: 'pharmacist', rpps: RPPS, finess: FINESS }, signer);
    const response = await get('/prescriptions', token);
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ statusCode: 403, code: 'FORBIDDEN', message: 'requires role prescriber' });
  });

  it('lets a prescriber in, and the handler sees the rpps of the token', async () => {
    const token = await mintToken({ role: 'prescriber', rpps: RPPS }, signer);
    const response = await get('/prescriptions', token);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ rpps: RPPS, subject: `rpps:${RPPS}` });
  });

  it('lets a pharmacist in, and the handler sees the pharmacy’s finess', async () => {
    const token = await mintToken({ role: 'pharmacist', rpps: RPPS, finess: FINESS }, signer);
    const response = await get('/claims', token);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ finess: FINESS, rpps: RPPS });
  });

  it('lets any authenticated caller reach a route that names no role', async () => {
    const token = await mintToken({ role: 'ops', name: 'Night shift' }, signer);
    const response = await get('/me', token);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ subject: 'dev-ops', roles: ['ops'], name: 'Night shift' });
  });

  it('applies a controller’s roles to its routes, and a route’s own roles in their place', async () => {
    const ops = await mintToken({ role: 'ops' }, signer);
    const analyst = await mintToken({ role: 'fraud-analyst' }, signer);
    expect((await get('/alerts', ops)).statusCode).toBe(403);
    expect((await get('/alerts', ops)).json().message).toBe('requires role fraud-analyst');
    expect((await get('/alerts', analyst)).statusCode).toBe(200);
    expect((await get('/alerts/stats', ops)).statusCode).toBe(200);
  });

  it('ignores roles it does not know, so they open nothing', async () => {
    const response = await get('/prescriptions', await rawToken({ roles: ['admin', 'superuser'], rpps: RPPS }));
    expect(response.statusCode).toBe(403);
  });
});
