/**
 * Metadata key that marks a route as open without a token (health, metrics). The auth guard reads
 * the same key, so observability does not depend on the auth library.
 */
export const PUBLIC_ROUTE = 'ordo:public-route';
