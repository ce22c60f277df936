/**
 * What each screen forgets when the session ends (Sign out, a session the server ended, a sign-out in another
 * tab): the next person to sign in on this window must not see the last one's folders, previews, groups or
 * quarantine, and nothing keeps following their runs. Each store registers its reset here.
 */
const resets = new Set<() => void>();

export function onSessionEnd(reset: () => void): void {
  resets.add(reset);
}

export function endSession(): void {
  for (const reset of resets) reset();
}
