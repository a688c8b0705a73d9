// Run ids: time-ordered (they sort by creation time as plain strings), lowercase, and safe in
// paths, job names and k8s names. Pure: the caller passes the clock and the randomness.
/** A time-ordered run id from a clock reading and random bits: 20250131-235959-k3x9. */
export function makeRunId(now: Date, random: number): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `${stamp}-${Math.floor(random * 36 ** 4).toString(36).padStart(4, '0')}`;
}
