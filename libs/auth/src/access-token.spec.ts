import { ServiceConfigModule } from '@ordo/config';
import { Controller, Get } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AccessTokenRejected,
  AccessTokenVerifier,
  AuthModule,
  mintToken,
  resolveAuthSettings,
  VerificationKeysUnavailable,
  type TokenSigner,
} from './index';

const RPPS = '10003000006';

/** An identity provider's key set, served the way Pro Santé Connect serves its own. */
async function serveKeySet(publicKey: KeyObject, kid: string): Promise<{ url: string; server: Server }> {
  const keys = [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }];
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`, server };
}

describe('AccessTokenVerifier', () => {
  const identityProvider = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signer: TokenSigner = {
    privateKey: identityProvider.privateKey,
    algorithm: 'ES256',
    keyId: 'psc-2026',
    issuer: 'https://idp.example',
    audience: 'ordo',
  };

  it('accepts an ES256 token against a configured P-256 public key', async () => {
    const pem = identityProvider.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const verifier = AccessTokenVerifier.fromSettings(resolveAuthSettings({ issuer: signer.issuer }, { AUTH_PUBLIC_KEY: pem }));
    await expect(verifier.verify(await mintToken({ role: 'prescriber', rpps: RPPS }, signer))).resolves.toEqual({
      subject: `rpps:${RPPS}`,
      roles: ['prescriber'],
      rpps: RPPS,
    });
  });

  it('refuses an EdDSA token when the configured key is P-256', async () => {
    const pem = identityProvider.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const verifier = AccessTokenVerifier.fromSettings(resolveAuthSettings({ issuer: signer.issuer }, { AUTH_PUBLIC_KEY: pem }));
    const other: TokenSigner = { ...signer, privateKey: generateKeyPairSync('ed25519').privateKey, algorithm: 'EdDSA' };
    await expect(verifier.verify(await mintToken({ role: 'ops' }, other))).rejects.toThrow(AccessTokenRejected);
  });

  describe('with an identity provider’s key set', () => {
    let keySet: { url: string; server: Server };
    beforeAll(async () => {
      keySet = await serveKeySet(identityProvider.publicKey, 'psc-2026');
    });
    afterAll(() => new Promise((done) => keySet.server.close(done)));

    it('accepts a token signed by a key the set publishes', async () => {
      const verifier = AccessTokenVerifier.fromSettings(resolveAuthSettings({ jwksUrl: keySet.url, issuer: signer.issuer }, {}));
      const principal = await verifier.verify(await mintToken({ role: 'fraud-analyst', subject: 'analyst-7' }, signer));
      expect(principal).toEqual({ subject: 'analyst-7', roles: ['fraud-analyst'] });
    });

    it('refuses a token signed by a key the set does not publish', async () => {
      const verifier = AccessTokenVerifier.fromSettings(resolveAuthSettings({ jwksUrl: keySet.url, issuer: signer.issuer }, {}));
      const impostor: TokenSigner = {
        ...signer,
        privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
        keyId: 'not-published',
      };
      await expect(verifier.verify(await mintToken({ role: 'ops' }, impostor))).rejects.toThrow(
        new AccessTokenRejected('token is signed by a key the identity provider does not publish'),
      );
    });
  });

  describe('when the key set cannot be fetched', () => {
    @Controller()
    class PrescriptionsTestController {
      @Get('prescriptions')
      list() {
        return [];
      }
    }

    let app: NestFastifyApplication;
    let unreachable: string;
    beforeAll(async () => {
      const { url, server } = await serveKeySet(identityProvider.publicKey, 'psc-2026');
      await new Promise((done) => server.close(done));
      unreachable = url;
      const moduleRef = await Test.createTestingModule({
        imports: [ServiceConfigModule.forRoot({}), AuthModule.forRoot({ jwksUrl: unreachable, issuer: signer.issuer })],
        controllers: [PrescriptionsTestController],
      }).compile();
      app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
    });
    afterAll(() => app?.close());

    it('reports the keys unavailable rather than the token invalid', async () => {
      const verifier = AccessTokenVerifier.fromSettings(resolveAuthSettings({ jwksUrl: unreachable, issuer: signer.issuer }, {}));
      await expect(verifier.verify(await mintToken({ role: 'ops' }, signer))).rejects.toThrow(VerificationKeysUnavailable);
    });

    it('answers 503 AUTH_UNAVAILABLE, so callers retry instead of logging in again', async () => {
      const response = await app
        .getHttpAdapter()
        .getInstance()
        .inject({
          method: 'GET',
          url: '/prescriptions',
          headers: { authorization: `Bearer ${await mintToken({ role: 'prescriber', rpps: RPPS }, signer)}` },
        });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ statusCode: 503, code: 'AUTH_UNAVAILABLE' });
    });
  });
});
