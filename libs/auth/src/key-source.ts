import { ConfigOf, oneOf, text, url } from '@ordo/config';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { AuthConfigurationInvalid } from './auth-configuration-invalid';

/** What `AuthModule.forRoot` accepts; anything left out is read from the environment. */
export interface AuthOptions {
  /** `AUTH_ISSUER`: the `iss` every token must carry. */
  issuer?: string;
  /** `AUTH_AUDIENCE`: the `aud` every token must carry. */
  audience?: string;
  /** `AUTH_JWKS_URL`: the identity provider's key set. */
  jwksUrl?: string;
  /** `AUTH_PUBLIC_KEY`: one Ed25519 or P-256 public key, PEM. */
  publicKeyPem?: string;
  /** `AUTH_DEV_KEY_FILE`: the development key pair, made on first use. */
  devKeyFile?: string;
}

/**
 * The settings behind `resolveAuthSettings`: read and checked as text here, their meaning (which key
 * source, whether it parses) settled there.
 */
export const authSettings = {
  AUTH_JWKS_URL: url({
    protocols: ['https:', 'http:'],
    default: undefined,
    desc: "the identity provider's key set (https; http only for localhost)",
  }),
  AUTH_PUBLIC_KEY: text({
    secret: true,
    default: undefined,
    accepts: 'a PEM public key (Ed25519 or P-256), `\\n` for line breaks',
    desc: 'or one public key that signs tokens',
  }),
  AUTH_DEV_KEY_FILE: text({
    default: undefined,
    defaultText: '`.local/auth-dev-key.json`',
    accepts: 'a file path',
    desc: 'development key pair, made on first use; used when neither of the above is set (outside production)',
  }),
  AUTH_ISSUER: text({ default: 'ordo-dev', desc: 'the `iss` every token must carry' }),
  AUTH_AUDIENCE: text({ default: 'ordo', desc: 'the `aud` every token must carry' }),
  NODE_ENV: oneOf(['development', 'test', 'production'], {
    default: 'development',
    desc: '`production` requires real keys (tokens, QR, patient block) instead of development ones',
  }),
};

export type AuthValues = ConfigOf<typeof authSettings>;

export type SigningAlgorithm = 'EdDSA' | 'ES256';

/** Where the keys that verify tokens come from. */
export type VerificationKeySource =
  { kind: 'jwks'; url: URL } | { kind: 'public-key'; key: KeyObject; algorithm: SigningAlgorithm } | { kind: 'dev-key-file'; path: string };

export interface AuthSettings {
  issuer: string;
  audience: string;
  keySource: VerificationKeySource;
}

export const DEFAULT_ISSUER = 'ordo-dev';
export const DEFAULT_AUDIENCE = 'ordo';
export const DEFAULT_DEV_KEY_FILE = '.local/auth-dev-key.json';

/**
 * Settles the configuration once, at start-up: a value that cannot work stops the service with
 * a message naming the variable, rather than turning every request into a 401.
 */
export function resolveAuthSettings(options: AuthOptions = {}, env: Partial<Record<keyof AuthValues, string>> = process.env): AuthSettings {
  const issuer = options.issuer ?? nonEmpty(env, 'AUTH_ISSUER') ?? DEFAULT_ISSUER;
  const audience = options.audience ?? nonEmpty(env, 'AUTH_AUDIENCE') ?? DEFAULT_AUDIENCE;
  if (issuer.trim() === '') throw new AuthConfigurationInvalid('AUTH_ISSUER must not be empty');
  if (audience.trim() === '') throw new AuthConfigurationInvalid('AUTH_AUDIENCE must not be empty');
  return { issuer, audience, keySource: keySourceFrom(options, env) };
}

function keySourceFrom(options: AuthOptions, env: Partial<Record<keyof AuthValues, string>>): VerificationKeySource {
  // Options that name a key replace the environment's keys as a whole, so a test can pin its own
  // key without a stray AUTH_JWKS_URL in the shell being mixed in.
  const fromOptions = options.jwksUrl !== undefined || options.publicKeyPem !== undefined || options.devKeyFile !== undefined;
  const jwksUrl = fromOptions ? options.jwksUrl : nonEmpty(env, 'AUTH_JWKS_URL');
  const publicKeyPem = fromOptions ? options.publicKeyPem : nonEmpty(env, 'AUTH_PUBLIC_KEY');
  const devKeyFile = fromOptions ? options.devKeyFile : nonEmpty(env, 'AUTH_DEV_KEY_FILE');

  const chosen = [jwksUrl && 'AUTH_JWKS_URL', publicKeyPem && 'AUTH_PUBLIC_KEY', devKeyFile && 'AUTH_DEV_KEY_FILE'].filter(Boolean);
  if (chosen.length > 1) {
    throw new AuthConfigurationInvalid(`set only one of ${chosen.join(', ')}: they name different keys`);
  }
  if (jwksUrl !== undefined) return { kind: 'jwks', url: jwksUrlFrom(jwksUrl) };
  if (publicKeyPem !== undefined) return { kind: 'public-key', ...publicKeyFrom(publicKeyPem) };

  // A key file anyone can regenerate must not guard real prescriptions by accident; in
  // production it is used only when asked for by name.
  if (devKeyFile === undefined && env.NODE_ENV === 'production') {
    throw new AuthConfigurationInvalid(
      'AUTH_JWKS_URL or AUTH_PUBLIC_KEY must be set when NODE_ENV=production ' +
        '(set AUTH_DEV_KEY_FILE to run on a development key on purpose)',
    );
  }
  const path = devKeyFile ?? DEFAULT_DEV_KEY_FILE;
  return { kind: 'dev-key-file', path: isAbsolute(path) ? path : resolve(process.cwd(), path) };
}

function jwksUrlFrom(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AuthConfigurationInvalid(`AUTH_JWKS_URL is not a URL: ${value}`);
  }
  // Keys fetched in clear could be swapped on the way; plain HTTP is only for an identity
  // provider running on this machine.
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw new AuthConfigurationInvalid(`AUTH_JWKS_URL must be an https URL (http only for localhost): ${value}`);
  }
  return url;
}

function publicKeyFrom(value: string): { key: KeyObject; algorithm: SigningAlgorithm } {
  // Environment files often carry a PEM on one line with literal \n.
  const pem = value.replace(/\\n/g, '\n');
  if (pem.includes('PRIVATE KEY')) {
    throw new AuthConfigurationInvalid('AUTH_PUBLIC_KEY holds a private key; give the public key (-----BEGIN PUBLIC KEY-----)');
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (error) {
    throw new AuthConfigurationInvalid(`AUTH_PUBLIC_KEY is not a PEM public key: ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType === 'ed25519') return { key, algorithm: 'EdDSA' };
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return { key, algorithm: 'ES256' };
  }
  const kind = [key.asymmetricKeyType, key.asymmetricKeyDetails?.namedCurve].filter(Boolean).join(' ');
  throw new AuthConfigurationInvalid(`AUTH_PUBLIC_KEY must be an Ed25519 or P-256 (ES256) public key, not ${kind}`);
}

/** Unset and empty mean the same: `AUTH_ISSUER=` in an env file is not an empty issuer. */
function nonEmpty(env: Partial<Record<string, string>>, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
