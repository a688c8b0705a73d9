// "${VAR}" expansion for registry URLs and headers. The unexpanded text is what qwex stores, so a
// token in a header or URL never reaches the lock or a log.
import { QwexError } from './errors.js';

export function expandEnv(text: string, env: Record<string, string | undefined>, where: string): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const value = env[name];
    if (value === undefined || value === '')
      throw new QwexError('ENV_MISSING', `${where} needs the environment variable ${name}, which is not set`, { hint: `export ${name}=… and run the command again` });
    return value;
  });
}

/** Removes credentials from a URL before it is printed. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^/@]*@/, '//***@');
}

/**
 * Refuses an http(s) address with credentials in it (`https://user:token@host/…`): qwex records
 * where a template came from in .qwex/qwex.lock, which is committed, so the token would be too.
 */
export function refuseCredentials(url: string): void {
  if (!/^(git\+)?https?:\/\/[^/?#]*@/i.test(url)) return;
  throw new QwexError('USAGE', `${redactUrl(url)} has credentials in it, and qwex records sources in .qwex/qwex.lock`, {
    hint: 'configure a namespace in .qwex/config.yaml with headers from the environment:\nregistries:\n  "@org":\n    url: https://host/registry\n    headers: { Authorization: "Bearer ${ORG_TOKEN}" }\n(for git+https, use a git credential helper)',
  });
}
