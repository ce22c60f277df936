import { type PushEvent, type PushEventName } from '../../../src-shared/contract.js';
import { describeError } from '../../../src-shared/errors.js';

/** One event as it travels inside the process: its name and payload, as the contract's push-event map types them. */
export type HubEvent = { [Name in PushEventName]: { name: Name; data: PushEvent<Name> } }[PushEventName];
export type HubListener = (event: HubEvent) => void;

/**
 * Every push event of this process, by the user it belongs to: runs and searches publish here, and each
 * window (IPC) or WS /ws/events subscribes for its caller. One listener failing never stops the others or the
 * run that published.
 */
export function createEventHub(log: (message: string) => void = (message) => process.stderr.write(`${message}\n`)) {
  const listeners = new Map<string, Set<HubListener>>();
  const watchers = new Set<(userIds: ReadonlySet<string>) => void>();
  const observers = new Set<(userId: string, event: HubEvent) => void>();
  const changed = (): void => {
    const users = new Set(listeners.keys());
    for (const watcher of watchers) watcher(users);
  };
  const call = (listener: () => void): void => {
    try { listener(); } catch (error) { log(`fileorg: an event listener failed: ${describeError(error)}`); }
  };
  return {
    publish(userId: string, event: HubEvent): void {
      for (const observer of [...observers]) call(() => observer(userId, event));
      for (const listener of [...(listeners.get(userId) ?? [])]) call(() => listener(event));
    },
    /** Follow one user's events; answers the function that stops following. */
    subscribe(userId: string, listener: HubListener): () => void {
      let set = listeners.get(userId);
      const added = !set;
      if (!set) { set = new Set(); listeners.set(userId, set); }
      set.add(listener);
      // Told once the listener is in place, so whatever a watcher publishes at once reaches it.
      if (added) changed();
      return () => {
        const current = listeners.get(userId);
        if (!current?.delete(listener) || current.size > 0) return;
        listeners.delete(userId);
        changed();
      };
    },
    /** Users someone listens for now: whoever follows other processes' runs (the database) needs only theirs. */
    subscribedUsers(): ReadonlySet<string> {
      return new Set(listeners.keys());
    },
    /** How many listeners a user has (each window and /ws/events socket is one). */
    listenerCount(userId: string): number {
      return listeners.get(userId)?.size ?? 0;
    },
    /** Be told when the set of users with listeners changes (to start or stop following the database). */
    onSubscribersChanged(watcher: (userIds: ReadonlySet<string>) => void): () => void {
      watchers.add(watcher);
      return () => { watchers.delete(watcher); };
    },
    /**
     * See every event published, whoever it is for and whether or not anyone listens (the database follower
     * notes which results this process has told, so it never tells them again). Not a subscription: it does
     * not count as someone listening.
     */
    observe(observer: (userId: string, event: HubEvent) => void): () => void {
      observers.add(observer);
      return () => { observers.delete(observer); };
    },
  };
}
export type EventHub = ReturnType<typeof createEventHub>;
