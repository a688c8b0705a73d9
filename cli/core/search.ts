// Registry search: every word of the query must appear (case-insensitively) in one of the fields.
export function matchesQuery(query: string | undefined, fields: string[]): boolean {
  const words = (query ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const haystack = fields.join('\n').toLowerCase();
  return words.every((w) => haystack.includes(w));
}
