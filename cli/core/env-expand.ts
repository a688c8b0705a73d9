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
