import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import { loadOrCreateDevKeyPair } from './dev-key';
import type { AuthSettings } from './key-source';
import { principalFromClaims, PrincipalClaimsInvalid, type Principal } from './principal';

/** Clocks of the identity provider and of our hosts drift; half a minute is the usual allowance. */
export const CLOCK_TOLERANCE_SECONDS = 30;

const VERIFIED_CACHE_SECONDS = 60;
const VERIFIED_CACHE_SIZE = 10_000;

// What an identity provider may sign with. Symmetric algorithms are left out on purpose: with
// them, anyone holding the verification key could mint tokens.
const IDENTITY_PROVIDER_ALGORITHMS = ['EdDSA', 'Ed25519', 'ES256', 'ES384', 'RS256', 'PS256'];

/** The caller's token is missing, forged, expired, or not meant for us: a 401. */
export class AccessTokenRejected extends Error {
  override readonly name = 'AccessTokenRejected';
}

/** The keys could not be fetched, so no token can be judged either way: a 503, not a 401. */
export class VerificationKeysUnavailable extends Error {
  override readonly name = 'VerificationKeysUnavailable';
}

/** Turns a bearer token into the Principal it vouches for. */
export class AccessTokenVerifier {
  private constructor(
    private readonly verifySignedClaims: (token: string) => Promise<JWTPayload>,
    private readonly keysAreRemote: boolean,
  ) {}

  static fromSettings(settings: AuthSettings): AccessTokenVerifier {
    const options: JWTVerifyOptions = {
      issuer: settings.issuer,
      audience: settings.audience,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      // jose accepts a token without exp or sub; we want neither never-expiring tokens nor
      // actions nobody can be held to.
      requiredClaims: ['exp', 'sub'],
    };
    const source = settings.keySource;
    switch (source.kind) {
      case 'jwks': {
        const keySet = createRemoteJWKSet(source.url);
        const verifyOptions = { ...options, algorithms: IDENTITY_PROVIDER_ALGORITHMS };
        return new AccessTokenVerifier(async (token) => (await jwtVerify(token, keySet, verifyOptions)).payload, true);
      }
      case 'public-key': {
        const verifyOptions = { ...options, algorithms: [source.algorithm] };
        return new AccessTokenVerifier(async (token) => (await jwtVerify(token, source.key, verifyOptions)).payload, false);
      }
      case 'dev-key-file': {
        const pair = loadOrCreateDevKeyPair(source.path);
        const verifyOptions = { ...options, algorithms: [pair.algorithm] };
        return new AccessTokenVerifier(async (token) => (await jwtVerify(token, pair.publicKey, verifyOptions)).payload, false);
      }
    }
  }

  /**
   * A software client sends the same token with every request for its lifetime; checking its
   * Ed25519 signature each time costs more CPU than the rest of a typical request. A verified
   * token is remembered (at most VERIFIED_CACHE_SECONDS, never past its exp).
   */
  private readonly verified = new Map<string, { principal: Principal; until: number }>();

  async verify(token: string): Promise<Principal> {
    const cached = this.verified.get(token);
    if (cached && cached.until > Date.now()) return cached.principal;
    if (cached) this.verified.delete(token);
    return this.verifyNow(token);
  }

  private async verifyNow(token: string): Promise<Principal> {
    let claims: JWTPayload;
    try {
      claims = await this.verifySignedClaims(token);
    } catch (error) {
      throw this.explain(error);
    }
    let principal: Principal;
    try {
      principal = principalFromClaims(claims);
    } catch (error) {
      if (error instanceof PrincipalClaimsInvalid) throw new AccessTokenRejected(error.message);
      throw error;
    }
    const until = Math.min(Date.now() + VERIFIED_CACHE_SECONDS * 1000, (claims.exp ?? 0) * 1000);
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { principal, until });
    return principal;
  }

  private explain(error: unknown): Error {
    // jose's errors are told apart by their stable codes, which outlast its class hierarchy
    // from one major version to the next.
    const code = (error as { code?: unknown } | null)?.code;
    switch (code) {
      case 'ERR_JWT_EXPIRED':
        return new AccessTokenRejected('token has expired');
      case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
        return new AccessTokenRejected('token signature is invalid');
      case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
        return new AccessTokenRejected(`token refused: ${(error as Error).message}`);
      case 'ERR_JWS_INVALID':
      case 'ERR_JWT_INVALID':
        return new AccessTokenRejected('token is not a well-formed signed JWT');
      case 'ERR_JOSE_ALG_NOT_ALLOWED':
      case 'ERR_JOSE_NOT_SUPPORTED':
        return new AccessTokenRejected('token is signed with an algorithm that is not accepted');
      case 'ERR_JWKS_NO_MATCHING_KEY':
      case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
        return new AccessTokenRejected('token is signed by a key the identity provider does not publish');
    }
    if (this.keysAreRemote) {
      return new VerificationKeysUnavailable(`identity provider keys unavailable: ${(error as Error)?.message ?? String(error)}`);
    }
    return new AccessTokenRejected('token could not be verified');
  }
}
