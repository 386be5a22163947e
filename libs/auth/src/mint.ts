import { randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { AuthConfigurationInvalid } from './auth-configuration-invalid';
import { loadOrCreateDevKeyPair } from './dev-key';
import { resolveAuthSettings, type AuthOptions, type SigningAlgorithm } from './key-source';
import { principalFromClaims, PrincipalClaimsInvalid } from './principal';
import { isRole, ROLES, type Role } from './roles';

export interface MintRequest {
  role: Role;
  rpps?: string;
  finess?: string;
  /** Defaults to `rpps:<rpps>` for health professionals, `dev-<role>` otherwise. */
  subject?: string;
  name?: string;
  /** Defaults to one hour. */
  ttlSeconds?: number;
}

/** A private key and the issuer and audience the verifying services expect. */
export interface TokenSigner {
  privateKey: KeyObject;
  algorithm: SigningAlgorithm;
  keyId?: string;
  issuer: string;
  audience: string;
}

/** What a request cannot become a token for; the message names the option. */
export class MintRequestInvalid extends Error {
  override readonly name = 'MintRequestInvalid';
}

export const DEFAULT_TOKEN_TTL_SECONDS = 3600;

/** Signs a token for one role, refusing any the services would turn away. */
export async function mintToken(request: MintRequest, signer: TokenSigner): Promise<string> {
  if (!isRole(request.role)) {
    throw new MintRequestInvalid(`role must be one of ${ROLES.join(', ')}, not ${String(request.role)}`);
  }
  const ttlSeconds = request.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new MintRequestInvalid(`ttl must be a positive whole number of seconds, not ${ttlSeconds}`);
  }
  const subject = request.subject ?? (request.rpps ? `rpps:${request.rpps}` : `dev-${request.role}`);
  const claims = {
    roles: [request.role],
    ...(request.rpps !== undefined && { rpps: request.rpps }),
    ...(request.finess !== undefined && { finess: request.finess }),
    ...(request.name !== undefined && { name: request.name }),
  };
  // The same rules as the guard's, so a bad request fails here with its reason instead of
  // coming back later as a 401.
  try {
    principalFromClaims({ ...claims, sub: subject });
  } catch (error) {
    if (error instanceof PrincipalClaimsInvalid) throw new MintRequestInvalid(error.message);
    throw error;
  }

  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: signer.algorithm, typ: 'JWT', ...(signer.keyId && { kid: signer.keyId }) })
    .setSubject(subject)
    .setIssuer(signer.issuer)
    .setAudience(signer.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .setJti(randomUUID())
    .sign(signer.privateKey);
}

/**
 * The signer matching the services' development key (`AUTH_DEV_KEY_FILE`, `AUTH_ISSUER`,
 * `AUTH_AUDIENCE`), making the key if it does not exist yet.
 */
export function devTokenSigner(options: AuthOptions = {}, env: NodeJS.ProcessEnv = process.env): TokenSigner {
  const settings = resolveAuthSettings(options, env);
  if (settings.keySource.kind !== 'dev-key-file') {
    // We hold no private key for an identity provider's or a configured key: a token signed
    // with the development key would only be turned away.
    throw new AuthConfigurationInvalid(
      `tokens can be minted only with the development key, and ${settings.keySource.kind === 'jwks' ? 'AUTH_JWKS_URL' : 'AUTH_PUBLIC_KEY'} is set`,
    );
  }
  const pair = loadOrCreateDevKeyPair(settings.keySource.path);
  return {
    privateKey: pair.privateKey,
    algorithm: pair.algorithm,
    keyId: pair.keyId,
    issuer: settings.issuer,
    audience: settings.audience,
  };
}
