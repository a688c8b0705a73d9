import { describe, expect, it } from 'vitest';
import { parseTemplateAddress } from '../../cli/core/address.js';
import { resolveVersion, defaultRequested } from '../../cli/core/resolve.js';
import { QwexError } from '../../cli/core/errors.js';
import { formatGitSpec, parseGitSpec } from '../../cli/io/git-host.js';

describe('parseTemplateAddress', () => {
  it.each([
    ['ssh', { kind: 'name', name: 'ssh' }],
    ['ssh@^1.2', { kind: 'name', name: 'ssh', range: '^1.2' }],
    ['uv-cache@1.0.0', { kind: 'name', name: 'uv-cache', range: '1.0.0' }],
    ['@acme/slurm', { kind: 'namespaced', namespace: '@acme', name: 'slurm' }],
    ['@acme/slurm@~2.1', { kind: 'namespaced', namespace: '@acme', name: 'slurm', range: '~2.1' }],
    ['./vendor/registry', { kind: 'path', path: './vendor/registry' }],
    ['../x/ssh.json', { kind: 'path', path: '../x/ssh.json' }],
    ['/abs/item.json', { kind: 'path', path: '/abs/item.json' }],
    ['item.json', { kind: 'path', path: 'item.json' }],
    ['file:///tmp/reg', { kind: 'path', path: '/tmp/reg' }],
    ['https://example.test/r/ssh/1.0.0.json', { kind: 'url', url: 'https://example.test/r/ssh/1.0.0.json' }],
    ['gist:abc123', { kind: 'git-host', host: 'gist', ref: 'abc123' }],
    ['github:org/repo/templates/ssh#v1', { kind: 'git-host', host: 'github', ref: 'org/repo/templates/ssh#v1' }],
    ['gitlab:group/repo#main', { kind: 'git-host', host: 'gitlab', ref: 'group/repo#main' }],
    ['https://gist.github.com/alice/abc123', { kind: 'git-host', host: 'gist', ref: 'abc123' }],
    ['https://gist.github.com/abc123.git', { kind: 'git-host', host: 'gist', ref: 'abc123' }],
    ['git+https://git.example.test/org/forks.git#main:layers', { kind: 'git-host', host: 'git', ref: 'https://git.example.test/org/forks.git#main:layers' }],
    ['git+file:///srv/forks.git', { kind: 'git-host', host: 'git', ref: 'file:///srv/forks.git' }],
    ['git://127.0.0.1/forks.git', { kind: 'git-host', host: 'git', ref: 'git://127.0.0.1/forks.git' }],
  ])('%s', (spec, expected) => {
    expect(parseTemplateAddress(spec)).toEqual(expected);
  });

  it.each(['', 'SSH', 'ssh_x', '@acme/Bad', '1ssh'])('refuses %j with a usage error', (spec) => {
    expect(() => parseTemplateAddress(spec)).toThrow(QwexError);
    try {
      parseTemplateAddress(spec);
    } catch (e) {
      expect((e as QwexError).exitCode).toBe(2);
    }
  });

  it.each(['https://me:t0ken@reg.test/ssh/1.0.0.json', 'https://t0ken@reg.test/', 'git+https://x-access-token:t0ken@github.test/o/r.git', 'HTTP://me:t0ken@reg.test/r'])(
    'refuses %s: the token would be recorded in the lock, and is not printed',
    (spec) => {
      expect(() => parseTemplateAddress(spec)).toThrow(/^https?:\/\/\*\*\*@|^git\+https:\/\/\*\*\*@|^HTTP:\/\/\*\*\*@/);
      expect(() => parseTemplateAddress(spec)).not.toThrow(/t0ken/);
    },
  );

  it.each(['git+ssh://git@host.test/o/r.git', 'https://reg.test/a@b/x.json', 'https://reg.test/x.json?user=a@b'])('accepts %s (no credentials in the authority)', (spec) => {
    expect(() => parseTemplateAddress(spec)).not.toThrow();
  });
});

describe('git sources: what the user typed and what the lock records', () => {
  const sha = 'a'.repeat(40);
  it.each([
    ['gist', 'abc123', { host: 'gist', repo: 'abc123', subdir: '', file: undefined, ref: 'HEAD' }, `gist:abc123#HEAD@${sha}`],
    ['gist', 'abc123/ssh.qwex.json@v2', { host: 'gist', repo: 'abc123', subdir: '', file: 'ssh.qwex.json', ref: 'v2' }, `gist:abc123/ssh.qwex.json#v2@${sha}`],
    ['github', 'org/repo/templates/ssh#v1.0.0', { host: 'github', repo: 'org/repo', subdir: 'templates/ssh', ref: 'v1.0.0' }, `github:org/repo/templates/ssh#v1.0.0@${sha}`],
    ['gitlab', 'org/repo.git', { host: 'gitlab', repo: 'org/repo', subdir: '', ref: 'HEAD' }, `gitlab:org/repo#HEAD@${sha}`],
    ['git', 'https://h.test/o/r.git#main:reg', { host: 'git', repo: 'https://h.test/o/r.git', subdir: 'reg', ref: 'main' }, `git+https://h.test/o/r.git#main:reg@${sha}`],
  ] as const)('%s:%s', (host, rest, spec, lock) => {
    expect(parseGitSpec(host, rest)).toMatchObject(spec);
    expect(formatGitSpec(parseGitSpec(host, rest), sha)).toBe(lock);
    // The lock form reads back to the same spec, with the commit.
    const [h, r] = lock.startsWith('git+') ? ['git', lock.slice(4)] : [lock.slice(0, lock.indexOf(':')), lock.slice(lock.indexOf(':') + 1)];
    expect(parseGitSpec(h as 'git', r)).toMatchObject({ ...spec, sha });
  });

  it.each([
    ['github', 'org'],
    ['github', 'org/repo/../x'],
    ['gist', 'not-an-id!'],
    ['github', 'org/repo#bad ref'],
  ] as const)('refuses %s:%s', (host, rest) => {
    expect(() => parseGitSpec(host, rest)).toThrow(/cannot read/);
  });
});

describe('resolveVersion', () => {
  const published = ['2.0.0-beta.1', '1.2.0', '1.1.0', '1.0.0'];
  it.each([
    [undefined, '1.2.0', false],
    ['*', '1.2.0', false],
    ['^1.0.0', '1.2.0', false],
    ['~1.1.0', '1.1.0', false],
    ['1.0.0', '1.0.0', false],
    ['>=1.1 <1.2', '1.1.0', false],
    ['2.0.0-beta.1', '2.0.0-beta.1', false], // an exact prerelease pin is honoured
    ['^2.0.0-0', '2.0.0-beta.1', false], // a range with a prerelease part matches prereleases
    ['*', '2.0.0-beta.1', true], // --pre
  ])('%s → %s (pre=%s)', (range, expected, pre) => {
    expect(resolveVersion('ssh', published, range, { includePrerelease: pre })).toBe(expected);
  });

  it.each([
    ['1.1.1', /ssh@1.1.1 is not published/], // an exact pin never falls back to 1.1.0 or 1.2.0
    ['1.3.0', /not published/],
    ['^3', /no version of ssh satisfies \^3/],
    ['^2', /no version of ssh satisfies/], // prereleases are not picked by a plain range
  ])('%s is refused', (range, message) => {
    expect(() => resolveVersion('ssh', published, range)).toThrow(message);
  });

  it('reports a broken range as a usage error', () => {
    expect(() => resolveVersion('ssh', published, 'not a range')).toThrow(/not a semver range/);
  });

  it.each([
    ['1.2.0', '^1.2.0'],
    ['2.0.0-beta.1', '2.0.0-beta.1'],
  ])('records %s as requested %s', (v, r) => expect(defaultRequested(v)).toBe(r));
});
