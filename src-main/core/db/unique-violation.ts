/** Did a write fail on a UNIQUE index (a name or email taken between a service's check and its insert)? */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}
