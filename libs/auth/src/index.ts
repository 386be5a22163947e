export { AccessTokenRejected, AccessTokenVerifier, CLOCK_TOLERANCE_SECONDS, VerificationKeysUnavailable } from './access-token';
export { AuthConfigurationInvalid } from './auth-configuration-invalid';
export { AuthModule } from './auth.module';
export { BearerAuthGuard } from './bearer-auth.guard';
export { CurrentPrincipal, Public, Roles, type RequestWithPrincipal } from './decorators';
export {
  DEFAULT_AUDIENCE,
  DEFAULT_DEV_KEY_FILE,
  DEFAULT_ISSUER,
  authSettings,
  resolveAuthSettings,
  type AuthValues,
  type AuthOptions,
  type AuthSettings,
  type SigningAlgorithm,
  type VerificationKeySource,
} from './key-source';
export { DEFAULT_TOKEN_TTL_SECONDS, devTokenSigner, mintToken, MintRequestInvalid, type MintRequest, type TokenSigner } from './mint';
export { FINESS_FORMAT, RPPS_FORMAT, type Principal } from './principal';
export { isRole, ROLES, type Role } from './roles';
