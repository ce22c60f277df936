import { type PushEvent, type PushEventName } from '../../src-shared/contract.js';
import { type AppCore } from '../../src-main/core/compose.js';
import { type HubEvent } from '../../src-main/core/events/event-hub.js';
import { createRecording } from './recording.js';

/**
 * Every event a user's listeners hear in this process, from now on, and a wait for the first one (already heard
 * or still to come) that matches.
 */
export function recordEvents(core: AppCore, userId: string) {
  const recording = createRecording<HubEvent>();
  const stop = core.events.subscribe(userId, (event) => recording.add(event));
  return {
    heard: recording.items,
    stop,
    /** the data of the first `name` event that `test` accepts */
    async next<Name extends PushEventName>(name: Name, test: (data: PushEvent<Name>) => boolean): Promise<PushEvent<Name>> {
      const event = await recording.next((heard) => heard.name === name && test(heard.data as PushEvent<Name>), `${name} event`);
      return event.data as PushEvent<Name>;
    },
  };
}
