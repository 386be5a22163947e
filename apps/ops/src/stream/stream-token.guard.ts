import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { AccessTokenRejected, AccessTokenVerifier, RequestWithPrincipal, VerificationKeysUnavailable } from '@ordo/auth';

interface StreamRequest extends RequestWithPrincipal {
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * A browser's EventSource cannot send an Authorization header, so the live stream also takes the
 * token as `?token=`. Only this route does: everywhere else a token in a URL would end up in
 * proxies' logs and browser history for no reason. The route is marked public for the bearer
 * guard, and this guard holds it to the same rules (valid token, role ops).
 */
@Injectable()
export class StreamTokenGuard implements CanActivate {
  constructor(private readonly verifier: AccessTokenVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<StreamRequest>();
    const header = request.headers.authorization;
    const fromHeader = typeof header === 'string' ? /^Bearer +(\S+) *$/i.exec(header)?.[1] : undefined;
    const token = fromHeader ?? (typeof request.query.token === 'string' ? request.query.token : undefined);
    if (!token) {
      throw new UnauthorizedException({
        statusCode: 401,
        code: 'UNAUTHENTICATED',
        message: 'missing token: pass ?token=<token> or Authorization: Bearer <token>',
      });
    }
    try {
      request.principal = await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof AccessTokenRejected)
        throw new UnauthorizedException({ statusCode: 401, code: 'UNAUTHENTICATED', message: error.message });
      if (error instanceof VerificationKeysUnavailable) {
        throw new ServiceUnavailableException({ statusCode: 503, code: 'AUTH_UNAVAILABLE', message: error.message });
      }
      throw error;
    }
    if (!request.principal.roles.includes('ops')) {
      throw new ForbiddenException({ statusCode: 403, code: 'FORBIDDEN', message: 'requires role ops' });
    }
    return true;
  }
}
