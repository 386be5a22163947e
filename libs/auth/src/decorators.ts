import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { PUBLIC_ROUTE } from '@ordo/observability';
import type { Principal } from './principal';
import type { Role } from './roles';

export const REQUIRED_ROLES = 'ordo:auth:required-roles';
// Observability's health and metrics routes set the same key without depending on this library.
export { PUBLIC_ROUTE };

/** The request the guard has authenticated; `principal` is absent only on public routes. */
export interface RequestWithPrincipal {
  principal?: Principal;
}

/**
 * Lets in callers holding at least one of these roles. On a handler it replaces the roles set on
 * its controller.
 */
export const Roles = (...roles: [Role, ...Role[]]): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_ROLES, roles);

/** Lets in callers without a token: health checks and metrics scrapers have none. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

/** The Principal of the current request (undefined on a public route). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal | undefined => context.switchToHttp().getRequest<RequestWithPrincipal>().principal,
);
