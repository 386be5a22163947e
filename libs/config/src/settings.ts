import { customCleanEnv, makeValidator, type ValidatorSpec } from 'envalid';

/**
 * One environment setting: how it is parsed (envalid's validator), what it means, what it accepts
 * (said in every refusal and in the README's table) and its default as the README shows it.
 */
export type Setting<V> = ValidatorSpec<unknown> & {
  desc: string;
  accepts: string;
  /** The default as a reader should see it, when the value itself does not say it (`ordo_<service>`). */
  defaultText?: string;
  /** A value that may hold a password or a key: a refusal names the setting, never repeats the value. */
  secret?: boolean;
  /** Type only: what the setting reads as (`undefined` included when it may be left unset). */
  readonly __value?: V;
};

export type Settings = Record<string, Setting<unknown>>;

/** The validated values of a set of settings, typed by their definitions. */
export type ConfigOf<S extends Settings> = {
  readonly [K in keyof S]: S[K] extends Setting<infer V> ? V : never;
};

/** A setting with `default: undefined` may be unset; with a default or none (required), it always has a value. */
type Value<T, O> = 'default' extends keyof O ? (O extends { default: T } ? T : T | undefined) : T;

/** A start-up refusal: every setting that cannot work, each named with what it accepts. */
export class ConfigInvalid extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigInvalid';
  }
}

interface Common<T> {
  desc: string;
  /** Absent: the setting is required. `undefined`: optional, absent when unset. */
  default?: T;
  defaultText?: string;
  secret?: boolean;
}

/** A setting of a shape of its own: `parse` throws to refuse, `accepts` says what it takes. */
export function custom<T, O extends Common<T>>(parse: (raw: string) => T, accepts: string, options: O): Setting<Value<T, O>> {
  return setting(parse, accepts, options);
}

function setting<T, V>(parse: (raw: string) => T, accepts: string, options: Common<T>): Setting<V> {
  const spec = makeValidator<T>(parse)(
    'default' in options ? { desc: options.desc, default: options.default as NonNullable<T> } : { desc: options.desc },
  ) as Setting<V>;
  spec.accepts = accepts;
  if (options.defaultText !== undefined) spec.defaultText = options.defaultText;
  if (options.secret) spec.secret = true;
  return spec;
}

/** An integer from `min` (to `max`). */
export function integer<O extends Common<number> & { min: number; max?: number; unit?: string }>(options: O): Setting<Value<number, O>> {
  const range = options.max === undefined ? `of at least ${options.min}` : `from ${options.min} to ${options.max}`;
  const accepts = `an integer ${range}${options.unit ? ` (${options.unit})` : ''}`;
  return setting(
    (raw) => {
      const value = Number(raw.trim());
      if (raw.trim() === '' || !Number.isInteger(value) || value < options.min || (options.max !== undefined && value > options.max)) {
        throw new Error(accepts);
      }
      return value;
    },
    accepts,
    options,
  );
}

/** A number greater than zero (scores, days). */
export function positiveNumber<O extends Common<number>>(options: O): Setting<Value<number, O>> {
  const accepts = 'a number greater than 0';
  return setting(
    (raw) => {
      const value = Number(raw.trim());
      if (raw.trim() === '' || !Number.isFinite(value) || value <= 0) throw new Error(accepts);
      return value;
    },
    accepts,
    options,
  );
}

/** Free text; `pattern` narrows it, said in `accepts`. */
export function text<O extends Common<string> & { pattern?: RegExp; accepts?: string }>(options: O): Setting<Value<string, O>> {
  const accepts = options.accepts ?? 'a non-empty text';
  return setting(
    (raw) => {
      if (raw.trim() === '' || (options.pattern && !options.pattern.test(raw))) throw new Error(accepts);
      return raw;
    },
    accepts,
    options,
  );
}

/** A URL of one of `protocols`. */
export function url<O extends Common<string> & { protocols: string[] }>(options: O): Setting<Value<string, O>> {
  const accepts = `a ${options.protocols.map((p) => p.replace(/:$/, '')).join(' or ')} URL`;
  return setting(
    (raw) => {
      let parsed: URL;
      try {
        parsed = new URL(raw.trim());
      } catch {
        throw new Error(accepts);
      }
      if (!options.protocols.includes(parsed.protocol)) throw new Error(accepts);
      return raw.trim();
    },
    accepts,
    options,
  );
}

/** `true` or `false`. */
export function flag<O extends Common<boolean>>(options: O): Setting<Value<boolean, O>> {
  const accepts = '`true` or `false`';
  return setting(
    (raw) => {
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      throw new Error(accepts);
    },
    accepts,
    options,
  );
}

/** One of a few words. */
export function oneOf<T extends string, O extends Common<T>>(choices: readonly T[], options: O): Setting<Value<T, O>> {
  const accepts = `one of ${choices.map((c) => `\`${c}\``).join(', ')}`;
  return setting(
    (raw) => {
      if (!(choices as readonly string[]).includes(raw)) throw new Error(accepts);
      return raw as T;
    },
    accepts,
    options,
  );
}

/** A comma-separated list; each item checked by `item`, which throws to refuse it. */
export function list<O extends Common<string[]> & { accepts: string; item?: (value: string) => void }>(
  options: O,
): Setting<Value<string[], O>> {
  return setting(
    (raw) => {
      const items = raw
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean);
      for (const value of items) {
        try {
          options.item?.(value);
        } catch {
          throw new Error(`${options.accepts} ("${value}" is not)`);
        }
      }
      return items;
    },
    options.accepts,
    options,
  );
}

/**
 * Reads and checks every setting once. An empty value counts as unset (as `X=` in a compose file
 * means). Whatever cannot work is refused together, each problem naming the setting, what it was
 * given and what it accepts.
 */
export function loadConfig<S extends Settings>(settings: S, env: NodeJS.ProcessEnv = process.env): ConfigOf<S> {
  const given: Record<string, string | undefined> = {};
  for (const name of Object.keys(settings)) given[name] = env[name] === '' ? undefined : env[name];
  const values = customCleanEnv(given, settings, (cleaned) => ({ ...cleaned }), {
    reporter: ({ errors }) => {
      const problems = Object.keys(errors).map((name) => {
        const spec = settings[name];
        return given[name] === undefined
          ? `${name} is required: ${spec.desc} (${spec.accepts})`
          : spec.secret
            ? `${name} is refused (its value is not shown): it takes ${spec.accepts}`
            : `${name}="${given[name]}" is refused: it takes ${spec.accepts}`;
      });
      if (problems.length > 0) throw new ConfigInvalid(problems);
    },
  });
  return Object.freeze(values) as unknown as ConfigOf<S>;
}

/** One row of the configuration table: a setting as a reader of the README sees it. */
export interface SettingRow {
  name: string;
  defaultText: string;
  desc: string;
  accepts: string;
}

export function describeSetting(name: string, spec: Setting<unknown>): SettingRow {
  let defaultText: string;
  if (spec.defaultText !== undefined) defaultText = spec.defaultText;
  else if (!('default' in spec)) defaultText = 'required';
  else if (spec.default === undefined) defaultText = '—';
  else defaultText = `\`${Array.isArray(spec.default) ? spec.default.join(',') : String(spec.default)}\``;
  return { name, defaultText, desc: spec.desc, accepts: spec.accepts };
}
