import { ServiceConfigModule } from '@ordo/config';
import { generateKeyPairSync } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Test } from '@nestjs/testing';
import { AuthConfigurationInvalid, AuthModule, DEFAULT_AUDIENCE, DEFAULT_ISSUER, resolveAuthSettings, type AuthOptions } from './index';

const ed25519Pem = () => generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString();

describe('auth configuration', () => {
  it('defaults to issuer ordo-dev, audience ordo and the development key under .local', () => {
    expect(resolveAuthSettings({}, {})).toEqual({
      issuer: DEFAULT_ISSUER,
      audience: DEFAULT_AUDIENCE,
      keySource: { kind: 'dev-key-file', path: resolve(process.cwd(), '.local/auth-dev-key.json') },
    });
    expect([DEFAULT_ISSUER, DEFAULT_AUDIENCE]).toEqual(['ordo-dev', 'ordo']);
  });

  it('reads issuer, audience and key file from the environment, treating empty as unset', () => {
    const settings = resolveAuthSettings(
      {},
      { AUTH_ISSUER: 'https://auth.esante.gouv.fr', AUTH_AUDIENCE: '', AUTH_DEV_KEY_FILE: '/tmp/k.json' },
    );
    expect(settings).toEqual({
      issuer: 'https://auth.esante.gouv.fr',
      audience: 'ordo',
      keySource: { kind: 'dev-key-file', path: '/tmp/k.json' },
    });
  });

  it('prefers the options it is given over the environment', () => {
    const settings = resolveAuthSettings(
      { issuer: 'test-issuer', devKeyFile: 'keys/dev.json' },
      { AUTH_ISSUER: 'from-env', AUTH_JWKS_URL: 'https://idp.example/jwks' },
    );
    expect(settings.issuer).toBe('test-issuer');
    expect(settings.keySource).toEqual({ kind: 'dev-key-file', path: join(process.cwd(), 'keys/dev.json') });
  });

  it('takes a JWKS URL', () => {
    expect(resolveAuthSettings({}, { AUTH_JWKS_URL: 'https://idp.example/.well-known/jwks.json' }).keySource).toEqual({
      kind: 'jwks',
      url: new URL('https://idp.example/.well-known/jwks.json'),
    });
  });

  it('detects EdDSA from an Ed25519 PEM, even written on one line with \\n', () => {
    const oneLine = ed25519Pem().replace(/\n/g, '\\n');
    expect(resolveAuthSettings({}, { AUTH_PUBLIC_KEY: oneLine }).keySource).toMatchObject({ kind: 'public-key', algorithm: 'EdDSA' });
  });

  it('detects ES256 from a P-256 PEM', () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(resolveAuthSettings({}, { AUTH_PUBLIC_KEY: pem }).keySource).toMatchObject({ kind: 'public-key', algorithm: 'ES256' });
  });

  const rsaPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const privatePem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

  it.each<[string, NodeJS.ProcessEnv, RegExp, AuthOptions?]>([
    ['a JWKS URL that is no URL', { AUTH_JWKS_URL: 'not a url' }, /^AUTH_JWKS_URL is not a URL/],
    ['a JWKS URL over plain http', { AUTH_JWKS_URL: 'http://idp.example/jwks' }, /^AUTH_JWKS_URL must be an https URL/],
    ['a public key that is no PEM', { AUTH_PUBLIC_KEY: 'hello' }, /^AUTH_PUBLIC_KEY is not a PEM public key/],
    ['a private key given as the public key', { AUTH_PUBLIC_KEY: privatePem }, /^AUTH_PUBLIC_KEY holds a private key/],
    ['an RSA public key', { AUTH_PUBLIC_KEY: rsaPem }, /^AUTH_PUBLIC_KEY must be an Ed25519 or P-256 \(ES256\) public key, not rsa/],
    [
      'two key sources at once',
      { AUTH_JWKS_URL: 'https://idp.example/jwks', AUTH_PUBLIC_KEY: ed25519Pem() },
      /^set only one of AUTH_JWKS_URL, AUTH_PUBLIC_KEY/,
    ],
    ['production without a key', { NODE_ENV: 'production' }, /^AUTH_JWKS_URL or AUTH_PUBLIC_KEY must be set when NODE_ENV=production/],
    ['an empty issuer option', { AUTH_ISSUER: 'x' }, /^AUTH_ISSUER must not be empty/, { issuer: ' ' }],
  ])('refuses %s with a message naming the variable', (_case, env, message, options = {}) => {
    expect(() => resolveAuthSettings(options, env)).toThrow(AuthConfigurationInvalid);
    expect(() => resolveAuthSettings(options, env)).toThrow(message);
  });

  it('accepts plain http for an identity provider on this machine', () => {
    expect(resolveAuthSettings({}, { AUTH_JWKS_URL: 'http://127.0.0.1:8080/jwks' }).keySource.kind).toBe('jwks');
  });

  it('runs on the development key in production only when it is named', () => {
    expect(resolveAuthSettings({}, { NODE_ENV: 'production', AUTH_DEV_KEY_FILE: '/tmp/k.json' }).keySource.kind).toBe('dev-key-file');
  });

  it('stops the app from starting when the configuration is invalid', async () => {
    const moduleRef = Test.createTestingModule({
      imports: [ServiceConfigModule.forRoot({}), AuthModule.forRoot({ publicKeyPem: 'hello' })],
    });
    await expect(moduleRef.compile()).rejects.toThrow(/AUTH_PUBLIC_KEY is not a PEM public key/);
  });
});
