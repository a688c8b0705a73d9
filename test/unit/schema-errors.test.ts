import { describe, expect, it } from 'vitest';
import { formatPath } from '../../cli/core/schema-errors.js';

describe('formatPath: where in a file a schema issue is', () => {
  it.each([
    [[], '(root)'],
    [['runners', 'hpc', 'layers', 0, 'ssh'], 'runners.hpc.layers[0].ssh'],
    [['registries', '@acme', 'url'], 'registries.@acme.url'],
    [['runners', 'a b'], 'runners["a b"]'],
    // A hostile name cannot restyle the terminal or fake a new line of output.
    [['runners', 'x\u001b[31mred'], 'runners["x\\u001b[31mred"]'],
    [['runners', 'x\nerror: fake'], 'runners["x\\nerror: fake"]'],
    [['items', 'a"b'], 'items["a\\"b"]'],
  ] as const)('%j → %s', (path, text) => expect(formatPath(path)).toBe(text));
});
