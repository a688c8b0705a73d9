// Lookups by a user-given name in records parsed from JSON or YAML. `lock.templates["constructor"]`
// would find Object.prototype's; only the record's own keys are names.
export function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
