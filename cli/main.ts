#!/usr/bin/env node
// qwex's entry point: parses argv with commander, lazily imports the one command module it needs,
// and is the only place that prints errors and sets the exit status.
import { Command, CommanderError, Option } from 'commander';
import { VERSION } from './version.js';
import type { Ctx } from './io/output.js';

// A command may return an exit status that is an answer, not an error (`diff --exit-code`: 1).
type Action = (...args: any[]) => Promise<number | void>;
let answer = 0;
const lazy =
  <M,>(load: () => Promise<M>, pick: (m: M) => Action) =>
  async (...args: unknown[]) => {
    const { processCtx } = await import('./io/output.js');
    const ctx: Ctx = processCtx();
    const cmd = args[args.length - 1] as Command;
    const globals = cmd.optsWithGlobals() as { cwd?: string };
    if (globals.cwd) ctx.cwd = (await import('node:path')).resolve(ctx.cwd, globals.cwd);
    answer = (await pick(await load())(...args.slice(0, -2), { ...cmd.opts() }, ctx)) ?? 0;
  };

const json = () => new Option('--json', 'print machine-readable JSON on stdout');
const registry = () => new Option('--registry <src>', 'registry folder, URL or @namespace to use instead of the embedded one (env QWEX_REGISTRY)');

export function buildProgram(): Command {
  const program = new Command('qwex')
    .description('shadcn for shell runners: versioned layer templates you own, composed into one POSIX sh script')
    .version(VERSION, '-v, --version')
    .option('-C, --cwd <dir>', 'run as if started in <dir>')
    .option('--verbose', 'on errors, print the cause and stack')
    .showHelpAfterError('(run with --help for usage)')
    .showSuggestionAfterError(true)
    .exitOverride();

  program
    .command('init')
    .description('create .qwex/config.yaml, .qwex/.gitignore and an empty lock (never overwrites)')
    .option('--name <name>', 'project name (default: the folder name)')
    .option('-y, --yes', 'never prompt; take defaults')
    .option('--json', 'print what was created as JSON')
    .action(lazy(() => import('./commands/init.js'), (m) => m.init));

  program
    .command('add')
    .description('copy templates into .qwex/templates/ and record them in .qwex/qwex.lock')
    .argument('<spec...>', 'name, name@range, @ns/name[@range], a path to an item .json or registry folder, or an http(s) URL')
    .addOption(registry())
    .option('--overwrite', 'replace files that differ from the registry’s (your edits are lost)')
    .option('--dry-run', 'show what would be written; write nothing')
    .option('--pre', 'let ranges match prerelease versions')
    .option('-y, --yes', 'never prompt (qwex add never prompts; accepted for scripts)')
    .addOption(json())
    .action(lazy(() => import('./commands/add.js'), (m) => m.add));

  program
    .command('search')
    .description('list the templates of a registry, with the installed version')
    .argument('[query]', 'words to match in names, kinds, tags and descriptions')
    .addOption(registry())
    .addOption(json())
    .action(lazy(() => import('./commands/search.js'), (m) => m.search));

  program
    .command('view')
    .description('show a template: versions, inputs, files, requirements and docs')
    .argument('<spec>', 'name[@range], @ns/name, a path or a URL')
    .addOption(registry())
    .option('--pre', 'let ranges match prerelease versions')
    .addOption(json())
    .action(lazy(() => import('./commands/view.js'), (m) => m.view));

  program
    .command('remove')
    .alias('rm')
    .description('delete installed templates and their lock entries (refuses when you edited them)')
    .argument('<name...>', 'installed template names')
    .option('--force', 'remove even with local edits or runners that use it')
    .addOption(json())
    .action(lazy(() => import('./commands/remove.js'), (m) => m.remove));

  program
    .command('diff')
    .description('show what upstream changed since you installed (or, with --local, what you changed)')
    .argument('[name...]', 'installed templates (default: all)')
    .option('--local', 'your edits: the installed pristine files → your files')
    .option('--to <range>', 'compare with the newest version in this range instead of the lock’s')
    .option('--exit-code', 'exit 1 when there are differences, like git diff')
    .option('--pre', 'let ranges match prerelease versions')
    .addOption(registry())
    .addOption(json())
    .action(lazy(() => import('./commands/diff.js'), (m) => m.diff));

  program
    .command('outdated')
    .description('installed, wanted (newest in range) and latest version of each template, and local edits')
    .addOption(json())
    .action(lazy(() => import('./commands/outdated.js'), (m) => m.outdated));

  program
    .command('update')
    .description('bring upstream changes in with a 3-way merge that keeps your edits')
    .argument('[name...]', 'installed templates (default: all)')
    .option('--to <range>', 'update to the newest version in this range (and record it as the wanted range)')
    .option('--dry-run', 'print the plan per file; write nothing')
    .option('--pre', 'let ranges match prerelease versions')
    .addOption(registry())
    .addOption(json())
    .action(lazy(() => import('./commands/update.js'), (m) => m.update));

  program
    .command('render')
    .description('compose a runner\'s layers around a command into one POSIX sh script, printed on stdout')
    .argument('<cmd...>', 'the command and its arguments (put -- before it when it has options)')
    .option('-r, --runner <name>', 'runner from .qwex/config.yaml (default: defaults.runner)')
    .option('--run-id <id>', 'run id to render with (default: a new time-ordered id)')
    .option('--explain', 'print the layers with their resolved values on stderr')
    .action(lazy(() => import('./commands/render.js'), (m) => m.render));

  program
    .command('lint')
    .description('check templates in .qwex/templates/: quoting filters, declared inputs, sh -n and shellcheck')
    .argument('[name...]', 'templates to lint (default: all installed)')
    .action(lazy(() => import('./commands/lint.js'), (m) => m.lint));

  program
    .command('run')
    .description('run a command through a runner as a tracked run tied to a git commit; exits with its exit code')
    .argument('<cmd...>', 'the command and its arguments (put -- before it when it has options)')
    .option('-r, --runner <name>', 'runner from .qwex/config.yaml (default: defaults.runner)')
    .option('-d, --detach', 'print the run id and return at once')
    .option('--name <name>', 'a name for the run (default: its id)')
    .option('--require-clean', 'refuse to run uncommitted changes instead of snapshotting them')
    .action(lazy(() => import('./commands/run.js'), (m) => m.run));

  program
    .command('list')
    .alias('ls')
    .description('runs of this project, newest first')
    .option('--runner <name>', 'only runs of this runner')
    .option('--status <status>', 'only runs with this status (running, succeeded, failed, cancelled, lost)')
    .addOption(json())
    .action(lazy(() => import('./commands/runs.js'), (m) => m.list));

  program
    .command('status')
    .description('one run: status, exit code, times, commit, command')
    .argument('<id>', 'run id or a unique prefix of it')
    .addOption(json())
    .action(lazy(() => import('./commands/runs.js'), (m) => m.status));

  program
    .command('logs')
    .description('print a run’s output; -f follows it until it ends and exits with its exit code')
    .argument('<id>', 'run id or a unique prefix of it')
    .option('-f, --follow', 'keep printing until the run ends')
    .option('--stderr', 'only stderr')
    .action(lazy(() => import('./commands/runs.js'), (m) => m.logs));

  program
    .command('artifacts')
    .description('the files a run collected (path, size, sha256)')
    .argument('<id>', 'run id or a unique prefix of it')
    .addOption(json())
    .action(lazy(() => import('./commands/artifacts.js'), (m) => m.artifacts));

  program
    .command('pull')
    .description('copy a run’s collected files back (default .qwex/runs/<id>/files/)')
    .argument('<id>', 'run id or a unique prefix of it')
    .option('--to <dir>', 'where to put them')
    .action(lazy(() => import('./commands/artifacts.js'), (m) => m.pull));

  program
    .command('checkout')
    .description('a git worktree at a run’s commit (default .qwex/checkouts/<id>)')
    .argument('<id>', 'run id or a unique prefix of it')
    .argument('[dir]', 'where to put the worktree')
    .action(lazy(() => import('./commands/checkout.js'), (m) => m.checkout));

  program
    .command('cancel')
    .description('stop a run: TERM to its whole process group, then KILL after the grace period')
    .argument('<id>', 'run id or a unique prefix of it')
    .option('--grace <seconds>', 'seconds between TERM and KILL', '10')
    .action(lazy(() => import('./commands/runs.js'), (m) => m.cancel));

  program
    .command('fork')
    .description('package your edited copy of an installed template as a one-item registry to share (git repo, gist, folder)')
    .argument('<name>', 'installed template to fork')
    .option('--as <newname>', 'publish it under another name')
    .option('--fork-version <version>', 'version to publish (default: the upstream version + -fork.N; `--version` is qwex’s own)')
    .option('--out <dir>', 'folder to write (default: ./<name>-fork)')
    .option('--git', 'make the folder a git repository and commit the fork, ready to push')
    .option('--flat', 'write only <name>.qwex.json and README.md (a gist holds flat files only)')
    .addOption(json())
    .action(lazy(() => import('./commands/fork.js'), (m) => m.fork));

  const reg = program.command('registry').description('build and check registries');
  reg
    .command('build')
    .description('build templates/ into a static registry (index.json + <name>/<version>.json + schema/)')
    .argument('[templates]', 'folder of template sources', 'templates')
    .option('--out <dir>', 'registry folder to write', 'registry')
    .option('--check', 'write nothing; fail if the registry is not up to date')
    .addOption(json())
    .action(lazy(() => import('./commands/registry.js'), (m) => m.registryBuild));
  reg
    .command('validate')
    .description('check a registry: schemas, integrity, targets and requirements')
    .argument('[dir]', 'registry folder or URL', 'registry')
    .addOption(json())
    .action(lazy(() => import('./commands/registry.js'), (m) => m.registryValidate));
  reg
    .command('init')
    .description('scaffold an org registry: templates/, a README and a CI check')
    .argument('<dir>', 'folder to create')
    .addOption(json())
    .action(lazy(() => import('./commands/registry.js'), (m) => m.registryInit));

  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return answer;
  } catch (e) {
    return report(e, argv.includes('--verbose'));
  }
}

async function report(e: unknown, verbose: boolean): Promise<number> {
  if (e instanceof CommanderError) {
    // commander has printed its message (or the help/version text) already.
    // Asked-for help and --version succeed; anything else (no command, bad flag) is a usage error.
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
    return e.code === 'commander.help' && e.exitCode === 0 ? 0 : 2; // `qwex help add` vs a bare `qwex`
  }
  const { isQwexError } = await import('./core/errors.js');
  const { colors, colorWanted } = await import('./io/output.js');
  const c = colors(colorWanted(process.stderr, process.env));
  if (isQwexError(e)) {
    process.stderr.write(`${c.red('error:')} ${e.message}\n`);
    if (e.hint) process.stderr.write(`${c.cyan('hint:')} ${e.hint}\n`);
    if (verbose && e.cause) process.stderr.write(`cause: ${String((e.cause as Error).stack ?? e.cause)}\n`);
    return e.exitCode;
  }
  process.stderr.write(`${c.red('internal error, please report:')} ${String((e as Error)?.stack ?? e)}\n`);
  process.stderr.write(`qwex ${VERSION}, node ${process.version}, ${process.platform}-${process.arch}\n`);
  return 70;
}

// Exiting explicitly, so an idle keep-alive socket cannot hold the CLI open — but only once
// stdout and stderr have drained: a pipe takes 64 KiB at a time, and `qwex render | sh` must get
// every byte of the script.
const code = await main(process.argv);
const drained = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => (stream.writableNeedDrain ? stream.once('drain', () => resolve()) : resolve()));
await Promise.all([drained(process.stdout), drained(process.stderr)]);
await Promise.all([new Promise((r) => process.stdout.write('', r)), new Promise((r) => process.stderr.write('', r))]);
process.exit(code);
