import {
  ForbiddenException,
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AccessTokenRejected, AccessTokenVerifier, VerificationKeysUnavailable } from './access-token';
import { PUBLIC_ROUTE, REQUIRED_ROLES, type RequestWithPrincipal } from './decorators';
import type { Role } from './roles';

interface HttpRequest extends RequestWithPrincipal {
  headers: Record<string, string | string[] | undefined>;
}

interface HttpReply {
  header(name: string, value: string): unknown;
}

/**
 * Every HTTP route needs a valid bearer token unless marked `@Public()`, so a forgotten
 * decorator closes a route rather than opens it.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Kafka handlers and other transports authenticate their peers elsewhere.
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    try {
      request.principal = await this.verifier.verify(bearerToken(request.headers.authorization));
    } catch (error) {
      if (error instanceof AccessTokenRejected) {
        // RFC 6750 asks a 401 to say which scheme would have worked.
        http.getResponse<HttpReply>().header('WWW-Authenticate', 'Bearer realm="ordo", error="invalid_token"');
        throw new UnauthorizedException({ statusCode: 401, code: 'UNAUTHENTICATED', message: error.message });
      }
      if (error instanceof VerificationKeysUnavailable) {
        throw new ServiceUnavailableException({ statusCode: 503, code: 'AUTH_UNAVAILABLE', message: error.message });
      }
      throw error;
    }

    const required = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (required && !required.some((role) => request.principal?.roles.includes(role))) {
      throw new ForbiddenException({ statusCode: 403, code: 'FORBIDDEN', message: `requires role ${required.join(' or ')}` });
    }
    return true;
  }
}

function bearerToken(authorization: string | string[] | undefined): string {
  if (authorization === undefined || authorization === '') {
    throw new AccessTokenRejected('missing bearer token: send Authorization: Bearer <token>');
  }
  // The scheme name is case-insensitive (RFC 7235); two Authorization headers are ambiguous.
  const match = typeof authorization === 'string' ? /^Bearer +(\S+) *$/i.exec(authorization) : null;
  if (!match) throw new AccessTokenRejected('Authorization header must be: Bearer <token>');
  return match[1];
}
