import { type PushEvent, type PushEventName } from '../../src-shared/contract.js';
import { type AppCore } from '../../src-main/core/compose.js';
import { type HubEvent } from '../../src-main/core/events/event-hub.js';

/** Longest a test waits for an event before it fails saying which (a deadline, not a sleep). */
const DEADLINE_MS = 30_000;

/**
 * Every event a user's listeners hear in this process, from now on, and a wait for the first one (already heard
 * or still to come) that matches.
 */
export function recordEvents(core: AppCore, userId: string) {
  const heard: HubEvent[] = [];
  const waiting = new Set<{ matches: (event: HubEvent) => boolean; resolve: (event: HubEvent) => void }>();
  const stop = core.events.subscribe(userId, (event) => {
    heard.push(event);
    for (const waiter of [...waiting]) {
      if (!waiter.matches(event)) continue;
      waiting.delete(waiter);
      waiter.resolve(event);
    }
  });
  return {
    heard,
    stop,
    /** the data of the first `name` event that `test` accepts */
    next<Name extends PushEventName>(name: Name, test: (data: PushEvent<Name>) => boolean): Promise<PushEvent<Name>> {
      const matches = (event: HubEvent): boolean => event.name === name && test(event.data as PushEvent<Name>);
      const already = heard.find(matches);
      if (already) return Promise.resolve(already.data as PushEvent<Name>);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => { waiting.delete(waiter); reject(new Error(`no ${name} event came within ${DEADLINE_MS} ms`)); }, DEADLINE_MS);
        const waiter = { matches, resolve: (event: HubEvent) => { clearTimeout(timer); resolve(event.data as PushEvent<Name>); } };
        waiting.add(waiter);
      });
    },
  };
}
