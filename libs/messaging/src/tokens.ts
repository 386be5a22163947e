export const MESSAGING_SERVICE_NAME = Symbol('ordo:messaging-service-name');
export const KAFKA = Symbol('ordo:kafka');
export const MESSAGING_CONFIG = Symbol('ordo:messaging-config');
