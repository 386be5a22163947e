import { ConfigInvalid, describeSetting, flag, integer, list, loadConfig, oneOf, text, url } from './settings';

const settings = {
  PORT: integer({ min: 1, max: 65535, default: 3000, desc: 'where it listens' }),
  NAME: text({ desc: 'its name' }),
  LEVEL: oneOf(['info', 'warn'], { default: 'info', desc: 'log level' }),
  VERIFY: flag({ default: false, desc: 'check twice' }),
  PEERS: list({ default: undefined, accepts: 'comma-separated names', desc: 'others' }),
  HOME: url({ protocols: ['https:'], default: undefined, desc: 'home page' }),
};

describe('settings', () => {
  it('gives defaults for what is unset, and counts an empty value as unset', () => {
    const config = loadConfig(settings, { NAME: 'ordo', PORT: '' });
    expect(config).toEqual({ PORT: 3000, NAME: 'ordo', LEVEL: 'info', VERIFY: false, PEERS: undefined, HOME: undefined });
  });

  it('parses what is given', () => {
    const config = loadConfig(settings, { NAME: 'ordo', PORT: '8080', VERIFY: 'true', PEERS: 'a, b,', HOME: 'https://ordo.example' });
    expect(config).toMatchObject({ PORT: 8080, VERIFY: true, PEERS: ['a', 'b'], HOME: 'https://ordo.example' });
  });

  it('refuses every bad value together, each named with what it takes', () => {
    const env = { PORT: '8080.5', LEVEL: 'loud', HOME: 'http://ordo.example' };
    expect(() => loadConfig(settings, env)).toThrow(ConfigInvalid);
    try {
      loadConfig(settings, env);
    } catch (error) {
      expect((error as ConfigInvalid).problems).toEqual([
        'PORT="8080.5" is refused: it takes an integer from 1 to 65535',
        'NAME is required: its name (a non-empty text)',
        'LEVEL="loud" is refused: it takes one of `info`, `warn`',
        'HOME="http://ordo.example" is refused: it takes a https URL',
      ]);
    }
  });

  it('describes a setting for the README', () => {
    expect(describeSetting('PORT', settings.PORT)).toEqual({
      name: 'PORT',
      defaultText: '`3000`',
      desc: 'where it listens',
      accepts: 'an integer from 1 to 65535',
    });
    expect(describeSetting('NAME', settings.NAME).defaultText).toBe('required');
    expect(describeSetting('HOME', settings.HOME).defaultText).toBe('—');
  });

  it('never repeats the value of a secret setting it refuses', () => {
    const secrets = { DATABASE_URL: url({ protocols: ['postgres:'], secret: true, desc: 'the server' }) };
    expect(() => loadConfig(secrets, { DATABASE_URL: 'postgress://ordo:s3cret@db/ordo' })).toThrow(
      'DATABASE_URL is refused (its value is not shown): it takes a postgres URL',
    );
    expect(() => loadConfig(secrets, { DATABASE_URL: 'postgress://ordo:s3cret@db/ordo' })).not.toThrow(/s3cret/);
  });
});
