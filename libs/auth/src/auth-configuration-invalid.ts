/** A configuration value the service cannot start with; the message names the variable. */
export class AuthConfigurationInvalid extends Error {
  override readonly name = 'AuthConfigurationInvalid';
}
