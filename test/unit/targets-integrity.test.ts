import { describe, expect, it } from 'vitest';
import { targetRelPath } from '../../cli/core/targets.js';
import { canonicalJson, itemIntegrity, sha256Integrity } from '../../cli/core/integrity.js';
import { expandEnv, redactUrl } from '../../cli/core/env-expand.js';
import { matchesQuery } from '../../cli/core/search.js';
import { didYouMean } from '../../cli/core/errors.js';

describe('targetRelPath', () => {
  it.each([
    ['~/.qwex/templates/ssh/ssh.sh.j2', 'ssh.sh.j2'],
    ['~/.qwex/templates/ssh/lifecycle/cancel.sh.j2', 'lifecycle/cancel.sh.j2'],
    ['~/.qwex/templates/ssh/[...slug].md', '[...slug].md'],
  ])('accepts %s', (target, rel) => expect(targetRelPath('ssh', target, 'test')).toBe(rel));

  it.each([
    ['~/.qwex/templates/ssh/../docker/x.sh', /"\.\."/],
    ['~/.qwex/templates/ssh/a/../../../x', /"\.\."/],
    ['~/../evil.sh', /must start with/],
    ['/etc/passwd', /must start with/],
    ['~/.qwex/templates/docker/x.sh', /must start with ~\/\.qwex\/templates\/ssh\//],
    ['~/.qwex/templates/ssh//etc/passwd', /absolute/],
    ['~/.qwex/templates/ssh/a//b', /empty/],
    ['~/.qwex/templates/ssh/C:/x', /absolute/],
    ['~/.qwex/templates/ssh/a\\..\\..\\x', /backslash/],
    ['~/.qwex/templates/ssh/%2e%2e/x', /percent-encoded/],
    ['~/.qwex/templates/ssh/a\u0000b', /control characters/],
    ['~/.qwex/templates/ssh/', /1 to 255/],
    ['~/.qwex/templates/ssh/' + 'a'.repeat(300), /1 to 255/],
  ])('refuses %j', (target, why) => {
    expect(() => targetRelPath('ssh', target, 'test')).toThrow(why);
  });
});

describe('integrity', () => {
  it('is independent of key order and formatting', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}');
    expect(itemIntegrity({ a: 1, b: 2 })).toBe(itemIntegrity(JSON.parse('{ "b": 2,\n "a": 1 }')));
  });
  it('matches the SRI form npm uses', () => {
    expect(sha256Integrity('')).toBe('sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
  });
});

describe('expandEnv', () => {
  it('expands ${VAR} and leaves other text alone', () => {
    expect(expandEnv('Bearer ${TOKEN} $HOME', { TOKEN: 't0k' }, 'x')).toBe('Bearer t0k $HOME');
  });
  it('names the missing variable', () => {
    expect(() => expandEnv('${ACME_TOKEN}', {}, 'registries."@acme"')).toThrow(/registries."@acme" needs the environment variable ACME_TOKEN/);
  });
  it('hides credentials in URLs', () => expect(redactUrl('https://u:p@h/x')).toBe('https://***@h/x'));
});

describe('matchesQuery and didYouMean', () => {
  it.each([
    [undefined, true],
    ['', true],
    ['SLURM', true],
    ['batch scheduler', true],
    ['gpu kubernetes', false],
  ])('query %j', (q, hit) => expect(matchesQuery(q, ['slurm', 'scheduler', 'Submit as a Slurm batch job'])).toBe(hit));

  it.each([
    ['shh', 'ssh'],
    ['slrum', 'slurm'],
    ['singularty', 'singularity'],
    ['zzzzzz', undefined],
  ])('%s → %s', (typo, guess) => expect(didYouMean(typo, ['ssh', 'slurm', 'singularity', 'docker'])).toBe(guess));
});
