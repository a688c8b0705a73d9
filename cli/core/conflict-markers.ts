// Git-style conflict markers, as `qwex update` writes them. render, lint and update refuse a file
// that still holds one, so a half-resolved merge never runs on a cluster.
const MARKER = /^(<{7}( |$)|={7}$|>{7}( |$))/;

/** The 1-based line of the first marker in `text`, if any. */
export function conflictMarkerLine(text: string): number | undefined {
  const i = text.split('\n').findIndex((l) => MARKER.test(l.replace(/\r$/, '')));
  return i < 0 ? undefined : i + 1;
}
