// Runs `sh -n` and (when installed) `shellcheck -s sh` on a script given on stdin, never as an
// argument (a script can exceed the 128 KiB argv limit). Returns findings with output line numbers.
import { spawn } from 'node:child_process';

export interface ShellFinding {
  tool: 'sh -n' | 'shellcheck';
  line: number;
  message: string;
}

function run(cmd: string, args: string[], input: string): Promise<{ code: number; stdout: string; stderr: string } | undefined> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', () => resolve(undefined)); // not installed
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.on('error', () => {}); // the tool may exit before reading everything
    child.stdin.end(input);
  });
}

/** Whether shellcheck is on PATH (lint says so when it is not, instead of passing silently). */
export async function hasShellcheck(): Promise<boolean> {
  return (await run('shellcheck', ['--version'], '')) !== undefined;
}

export async function checkShell(script: string): Promise<ShellFinding[]> {
  const findings: ShellFinding[] = [];
  const sh = await run('sh', ['-n'], script);
  if (sh && sh.code !== 0)
    for (const l of sh.stderr.trim().split('\n')) {
      const m = /(?:line |^[^:]*: )(\d+): (.*)$/.exec(l); // bash: "line 3: …", dash: "sh: 3: …"
      findings.push({ tool: 'sh -n', line: m ? Number(m[1]) : 0, message: m ? m[2]! : l });
    }
  const sc = await run('shellcheck', ['-s', 'sh', '-f', 'gcc', '-'], script);
  if (sc && sc.code !== 0)
    for (const l of sc.stdout.trim().split('\n').filter(Boolean)) {
      const m = /^-:(\d+):\d+: (.*)$/.exec(l);
      findings.push({ tool: 'shellcheck', line: m ? Number(m[1]) : 0, message: m ? m[2]! : l });
    }
  return findings;
}
