// Prints a development bearer token signed with the services' development key, and nothing else
// on stdout, so that `TOKEN=$(make token ROLE=prescriber RPPS=10003000006)` works.
import { devTokenSigner, isRole, mintToken, ROLES, type MintRequest } from '@ordo/auth';

const USAGE = `usage: mint-token --role <${ROLES.join('|')}> [--rpps <11 digits>] [--finess <9 characters>]
                  [--subject <sub>] [--name <display name>] [--ttl <seconds>]
Options fall back to the environment variables ROLE, RPPS, FINESS and TTL. The key, issuer and
audience are those of the services: AUTH_DEV_KEY_FILE, AUTH_ISSUER, AUTH_AUDIENCE.`;

const OPTIONS = ['role', 'rpps', 'finess', 'subject', 'name', 'ttl'] as const;
type Option = (typeof OPTIONS)[number];

class UsageError extends Error {}

export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  stdout: NodeJS.WritableStream = process.stdout,
  stderr: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const token = await mintToken(mintRequestFrom(argv, env), devTokenSigner({}, env));
    stdout.write(`${token}\n`);
    return 0;
  } catch (error) {
    stderr.write(`mint-token: ${(error as Error).message}\n`);
    if (error instanceof UsageError) stderr.write(`${USAGE}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

function mintRequestFrom(argv: string[], env: NodeJS.ProcessEnv): MintRequest {
  const given = parseOptions(argv);
  const value = (option: Option): string | undefined => given.get(option) ?? emptyToUndefined(env[option.toUpperCase()]);

  const role = value('role');
  if (role === undefined) throw new UsageError('--role (or ROLE) is required');
  if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}, not ${role}`);
  const ttl = value('ttl');
  if (ttl !== undefined && !/^\d+$/.test(ttl)) throw new UsageError(`--ttl must be a number of seconds, not ${ttl}`);

  return {
    role,
    rpps: value('rpps'),
    finess: value('finess'),
    // Only the command line sets these two: SUBJECT and NAME are too common in a shell to trust.
    subject: given.get('subject'),
    name: given.get('name'),
    ttlSeconds: ttl === undefined ? undefined : Number(ttl),
  };
}

function parseOptions(argv: string[]): Map<Option, string> {
  const given = new Map<Option, string>();
  for (let i = 0; i < argv.length; i++) {
    const match = /^--([a-z]+)(?:=(.*))?$/.exec(argv[i]);
    const option = match?.[1] as Option | undefined;
    if (!match || !option || !OPTIONS.includes(option)) throw new UsageError(`unknown argument ${argv[i]}`);
    const value = match[2] ?? argv[++i];
    if (value === undefined || value === '') throw new UsageError(`--${option} needs a value`);
    given.set(option, value);
  }
  return given;
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
