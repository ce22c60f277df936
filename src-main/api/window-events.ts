import { type Caller } from '../../src-shared/contract.js';
import { type EventHub, type HubEvent } from '../core/events/event-hub.js';

/** The parts of Electron's WebContents a window's events need (tests pass an in-memory stand-in). */
export interface IpcSender {
  id: number;
  send(channel: string, payload: unknown): void;
  isDestroyed?(): boolean;
  /** Electron's WebContents event: the window is gone, and its subscription to events with it */
  once?(event: 'destroyed', listener: () => void): void;
}

/** A push event to one window, on the event's own channel name; false when the window is gone. */
export function push(target: IpcSender, event: HubEvent): boolean {
  if (target.isDestroyed?.()) return false;
  target.send(event.name, event.data);
  return true;
}

/**
 * Each window's subscription to its caller's events: made on the window's first call, moved when its caller
 * changes (it signed in to an account, or out), dropped when the window is destroyed. One per window, so no
 * event reaches a window twice.
 */
export function createWindowSubscriptions(events: EventHub) {
  const windows = new Map<number, { userId: string; stop: () => void }>();
  const watchedForEnd = new WeakSet<IpcSender>(); // windows whose `destroyed` event is listened to
  const drop = (sender: IpcSender): void => {
    windows.get(sender.id)?.stop();
    windows.delete(sender.id);
  };
  return {
    follow(sender: IpcSender, caller: Caller | null): void {
      if (sender.isDestroyed?.()) { drop(sender); return; }
      if (windows.get(sender.id)?.userId === caller?.userId) return;
      drop(sender);
      if (!caller) return;
      const stop = events.subscribe(caller.userId, (event) => { if (!push(sender, event)) drop(sender); });
      windows.set(sender.id, { userId: caller.userId, stop });
      if (!watchedForEnd.has(sender)) { watchedForEnd.add(sender); sender.once?.('destroyed', () => drop(sender)); }
    },
    close(): void {
      for (const { stop } of windows.values()) stop();
      windows.clear();
    },
  };
}
