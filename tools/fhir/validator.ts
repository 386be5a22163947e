import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../local/repo-root';

/** One finding of HAPI FHIR's validator on one resource. */
export interface FhirIssue {
  severity: 'fatal' | 'error' | 'warning';
  /** FHIRPath of the element, e.g. `MedicationRequest.dispenseRequest.quantity`. */
  location: string | null;
  message: string;
  /** HAPI's stable id of the message (`Terminology_PassThrough_TX_Message`, a constraint's URL#key). */
  messageId: string | null;
}

/** What the validator found in one resource, in the order the resources were given. */
export interface FhirValidation {
  resourceType: string | null;
  id: string | null;
  errors: FhirIssue[];
  warnings: FhirIssue[];
}

/** A run that could not say anything of the resources: the validator failed, or reached for the network. */
export class FhirValidatorFailed extends Error {
  override readonly name = 'FhirValidatorFailed';
}

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], options: { cwd: string; input?: string; showProgress?: boolean }): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['pipe', 'pipe', options.showProgress ? 'inherit' : 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', reject);
    child.once('close', (code) =>
      resolve({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }),
    );
    child.stdin!.end(options.input ?? '');
  });
}

/**
 * The validator's jar, built first when it is missing or older than its source: the first build
 * fetches HAPI FHIR from Maven Central (about 150 MB; its progress shows on the terminal), later ones
 * rebuild offline from ~/.m2. `scripts/test-prerequisites.sh` builds it before `make test`.
 */
export async function fhirValidatorJar(root = repoRoot()): Promise<string> {
  const built = await run('bash', [join(root, 'tools', 'fhir-validator', 'build.sh'), '--path'], { cwd: root, showProgress: true });
  if (built.code !== 0) throw new FhirValidatorFailed(`tools/fhir-validator/build.sh failed (exit ${built.code})`);
  return built.stdout.trim();
}

/**
 * Validates FHIR R4 resources against the core specification with HAPI FHIR, offline (no
 * terminology server, no package registry: a code of a system HAPI does not hold comes back as a
 * warning that it could not be checked). All resources go through one JVM, which costs about ten
 * seconds to start: pass them together.
 */
export async function validateFhir(resources: readonly object[], root = repoRoot()): Promise<FhirValidation[]> {
  const jar = await fhirValidatorJar(root);
  // C1 alone: the run is too short for the optimising compiler to pay for itself.
  const ran = await run('java', ['-XX:TieredStopAtLevel=1', '-jar', jar], { cwd: root, input: JSON.stringify(resources) });
  if (ran.code === 3) throw new FhirValidatorFailed(`the FHIR validator tried to reach the network:\n${ran.stderr}`);
  if (ran.code !== 0) throw new FhirValidatorFailed(`the FHIR validator failed (exit ${ran.code}):\n${ran.stderr.slice(-4000)}`);
  const validations = ran.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as FhirValidation & { index: number });
  if (validations.length !== resources.length) {
    throw new FhirValidatorFailed(`the FHIR validator answered for ${validations.length} of ${resources.length} resources:\n${ran.stderr}`);
  }
  return validations
    .sort((a, b) => a.index - b.index)
    .map(({ resourceType, id, errors, warnings }) => ({ resourceType, id, errors, warnings }));
}

/** One line per finding, `MedicationRequest/ABC-1 MedicationRequest.subject: message`, for test output and docs. */
export function describeFindings(validations: readonly FhirValidation[], kind: 'errors' | 'warnings'): string[] {
  return validations.flatMap((validation) =>
    validation[kind].map(
      (issue) =>
        `${validation.resourceType ?? '?'}/${validation.id ?? '-'} ${issue.location ?? ''}: ${issue.message} [${issue.messageId ?? ''}]`,
    ),
  );
}
