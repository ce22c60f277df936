/**
 * What a listener heard, in order, and a wait for the first item (already heard or still to come) that matches:
 * resolved by the item itself, never by a timer. The one timer is the deadline after which the wait fails, saying
 * what did not come, so a missing event fails in seconds rather than at the test's own timeout.
 */
export function createRecording<Item>(deadlineMs = 30_000) {
  const items: Item[] = [];
  const waiting = new Set<{ matches: (item: Item) => boolean; resolve: (item: Item) => void }>();
  return {
    items,
    add(item: Item): void {
      items.push(item);
      for (const waiter of [...waiting]) {
        if (!waiter.matches(item)) continue;
        waiting.delete(waiter);
        waiter.resolve(item);
      }
    },
    next(matches: (item: Item) => boolean, what: string): Promise<Item> {
      const already = items.find(matches);
      if (already !== undefined) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const deadline = setTimeout(() => { waiting.delete(waiter); reject(new Error(`no ${what} came within ${deadlineMs} ms`)); }, deadlineMs);
        const waiter = { matches, resolve: (item: Item) => { clearTimeout(deadline); resolve(item); } };
        waiting.add(waiter);
      });
    },
  };
}
