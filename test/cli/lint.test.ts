import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, qwex, tempDir } from './helpers.js';
import { renderProject } from './render-helpers.js';

describe('qwex lint', () => {
  it('passes the six installed first-party templates (AST, sh -n, shellcheck)', async () => {
    const p = await renderProject('');
    const r = await p.run('lint');
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(r.stderr).toBe('ok docker, k8s, singularity, slurm, ssh, uv-cache: 6 templates pass the lint, sh -n and shellcheck\n');
  });

  it('reports raw output, undeclared and unused inputs at file:line, exit 5', async () => {
    const p = await renderProject('', ['ssh']);
    const file = path.join(p.dir, '.qwex/templates/ssh/ssh.sh.j2');
    const src = (await fs.readFile(file, 'utf8')).replace("set -- \"$@\" -- {{ host | shq }}", 'set -- "$@" -- {{ host }} {{ hots | shq }}').replaceAll('{{ grace | shq }}', '1');
    await fs.writeFile(file, src);
    await fs.writeFile(path.join(p.dir, '.qwex/templates/ssh/cancel.sh.j2'), (await fs.readFile(path.join(p.dir, '.qwex/templates/ssh/cancel.sh.j2'), 'utf8')).replaceAll('{{ grace | shq }}', '1'));
    const line = src.split('\n').findIndex((l) => l.includes('{{ host }}')) + 1;
    const r = await p.run('lint', 'ssh');
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`.qwex/templates/ssh/ssh.sh.j2:${line}: {{ host }} is output into shell text without quoting: end it with one of | shq, | argv, | sh_eval, | b64, | json, | ident\n`);
    expect(r.stderr).toContain(`.qwex/templates/ssh/ssh.sh.j2:${line}: "hots" is not declared in layer.json inputs (nor one of inner, run, code, ctx, layer); did you mean "host"?\n`);
    expect(r.stderr).toMatch(/\.qwex\/templates\/ssh\/layer\.json:\d+: input "grace" is declared but no template uses it\n/);
    expect(r.stderr).toMatch(/^error: 3 lint findings:\n/);
  });

  it('runs sh -n on the sample render', async () => {
    const p = await renderProject('', ['uv-cache']);
    const file = path.join(p.dir, '.qwex/templates/uv-cache/uv-cache.sh.j2');
    await fs.writeFile(file, (await fs.readFile(file, 'utf8')).replace('export UV_CACHE_DIR\n', 'export UV_CACHE_DIR\nif then\n'));
    const r = await p.run('lint');
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/\.qwex\/templates\/uv-cache\/uv-cache\.sh\.j2: sh -n on the sample render, line \d+: Syntax error/);
  });

  it('names an unknown template with did-you-mean', async () => {
    const p = await renderProject('', ['ssh']);
    const r = await p.run('lint', 'shh');
    expect(r).toMatchObject({ code: 3, stderr: 'error: no template "shh" in .qwex/templates/\nhint: Did you mean `ssh`?\n' });
  });
});

describe('qwex registry build runs the lint', () => {
  it('refuses a template with raw output in shell text and writes nothing', async () => {
    const base = tempDir('qwex-registry-');
    await fs.cp(path.join(FIXTURES, 'templates/hello'), path.join(base, 'templates/hello'), { recursive: true });
    const file = path.join(base, 'templates/hello/hello.sh.j2');
    await fs.writeFile(file, (await fs.readFile(file, 'utf8')).replace('{{ greeting | shq }}', '{{ greeting }}'));
    const r = await qwex(['registry', 'build', 'templates', '--out', 'registry'], { cwd: base });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^error: 1 lint finding; nothing was built:\ntemplates\/hello\/hello\.sh\.j2:3: \{\{ greeting \}\} is output into shell text without quoting/);
    await expect(fs.stat(path.join(base, 'registry'))).rejects.toThrow();
  });
});
