import { ArgumentsHost, Catch, Controller, RpcExceptionFilter, UseFilters, applyDecorators } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';

/**
 * Nest's default RPC filter replaces any error with "Internal server error". The Kafka transport
 * needs the real error to tell a lost database from a bad message, and to say why in a dead letter.
 */
@Catch()
export class PassThroughRpcFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}

/**
 * Marks a controller that handles Kafka events (`@EventPattern`). It keeps handler errors intact for
 * the transport, which Nest's default RPC filter would not.
 */
export function EventsController(): ClassDecorator {
  return applyDecorators(Controller(), UseFilters(PassThroughRpcFilter));
}
