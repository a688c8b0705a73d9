// Content digests. An item's integrity is the SHA-256 of its canonical JSON (keys sorted, no
// whitespace), so re-formatting a file never changes it; file digests are over the raw bytes.
// node:crypto is pure computation here, not I/O.
import { createHash } from 'node:crypto';

export function sha256Integrity(data: string | Uint8Array): string {
  return 'sha256-' + createHash('sha256').update(data).digest('base64');
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function itemIntegrity(item: unknown): string {
  return sha256Integrity(canonicalJson(item));
}

/** Stable pretty JSON for files we write: two-space indent, trailing newline. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}
