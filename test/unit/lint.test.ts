import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintTemplate, type LintFinding } from '../../cli/core/lint.js';
import { layerManifestSchema, type LayerManifest } from '../../cli/schema/layer.js';

const TEMPLATES = path.resolve(import.meta.dirname, '../../templates');

const manifest = (inputs: LayerManifest['inputs']): LayerManifest => ({
  apiVersion: 'qwex/v1', name: 't', version: '1.0.0', kind: 'env', runs_on: 'node', description: 'd', main: 't.sh.j2', inputs, requires: {}, tags: [],
});
const IN = [{ name: 'image', type: 'string' as const, description: 'd', default: 'x' }, { name: 'binds', type: 'list' as const, description: 'd', default: [] }];
const lint = (src: string, inputs = IN): LintFinding[] => lintTemplate({ manifest: manifest(inputs), files: new Map([['t/t.sh.j2', src]]), layerJsonPath: 't/layer.json' });
const OK_TAIL = '{% for b in binds %}{{ b | shq }}{% endfor %}\n{{ inner | sh_eval }}\n';

describe('lintTemplate', () => {
  it.each([
    ['quoted values and a safe tail', `img={{ image | shq }}\n${OK_TAIL}`, []],
    ['raw output', `img={{ image }}\n${OK_TAIL}`, ['t/t.sh.j2:1: {{ image }} is output into shell text without quoting']],
    ['a filter that is not a quoting one', `img={{ image | upper }}\n${OK_TAIL}`, ['t/t.sh.j2:1: {{ … | upper }} is output']],
    ['safe filter then a transform', `img={{ image | shq | upper }}\n${OK_TAIL}`, ['t/t.sh.j2:1: {{ … | upper }} is output']],
    ['an inline if with one raw arm', `x={{ image | shq if image else run.id }}\n${OK_TAIL}`, ['t/t.sh.j2:1: {{ inlineif }} is output']],
    ['raw output inside a set block', `{% set j %}a\n{{ run.dir }}{% endset %}{{ j | b64 }}\n{{ image | shq }}\n${OK_TAIL}`, ['t/t.sh.j2:2: {{ run.dir }} is output']],
    ['the safe filter', `{{ image | safe | shq }}\n${OK_TAIL}`, ['t/t.sh.j2:1: the "safe" filter is forbidden']],
    ['an undeclared variable with did-you-mean', `{{ imgae | shq }} {{ image | shq }}\n${OK_TAIL}`, ['t/t.sh.j2:1: "imgae" is not declared in layer.json inputs (nor one of inner, run, code, ctx, layer); did you mean "image"?']],
    ['an unused input', `{{ inner | sh_eval }}\n{% for b in binds %}{{ b | shq }}{% endfor %}\n`, ['t/layer.json: input "image" is declared but no template uses it']],
    ['locals from set and for are declared', `{% set x = image %}{% for k, v in ctx.env %}{{ (k ~ x ~ v) | shq }}{{ loop.index | shq }}{% endfor %}\n${OK_TAIL}`, []],
    ['a syntax error', `{% if %}\n`, ['t/t.sh.j2:1: template syntax:']],
    ['conflict markers', `a\n<<<<<<< ours\n`, ['t/t.sh.j2:2: git conflict marker']],
    ['a template that does not render with sample inputs', `{{ image | ident('path') }}\n${OK_TAIL}`, ['t/t.sh.j2:1: does not render with sample inputs: ident: "x" cannot be used here']],
  ])('%s', (_, src, expected) => {
    const got = lint(src).map((f) => `${f.file}${f.line ? `:${f.line}` : ''}: ${f.message}`);
    expect(got).toHaveLength(expected.length);
    expected.forEach((e, i) => expect(got[i]!.startsWith(e), `${got[i]} should start with ${e}`).toBe(true));
  });

  // The shipped templates are what users start from: each must pass its own lint.
  it.each(readdirSync(TEMPLATES))('templates/%s passes the lint', (name) => {
    const dir = path.join(TEMPLATES, name);
    const layerJson = readFileSync(path.join(dir, 'layer.json'), 'utf8');
    const files = new Map(readdirSync(dir).filter((f) => f.endsWith('.j2')).map((f) => [`templates/${name}/${f}`, readFileSync(path.join(dir, f), 'utf8')] as const));
    expect(lintTemplate({ manifest: layerManifestSchema.parse(JSON.parse(layerJson)), files, layerJsonPath: `templates/${name}/layer.json`, layerJson })).toEqual([]);
  });
});
