import { Button } from 'react-aria-components';
import { client } from '../client/index.js';
import { useSession } from '../sign-in/session-store.js';
import { ErrorNote } from '../ui/Notes.js';

/**
 * The desktop window's words about who it acts as, when that changed by itself or by Sign out: "Your account's
 * session ended; you are back on this computer's own profile." Shown over the screen until dismissed. (In a
 * browser the sign-in screen says such things.)
 */
export function SessionNotice() {
  const notice = useSession((state) => state.notice);
  const dismiss = useSession((state) => state.dismissNotice);
  if (client.home !== 'desktop' || notice === null) return null;
  return (
    <div className="note note-info session-notice" role="status">
      <p className="session-notice-text">{notice}</p>
      <Button className="button button-small" onPress={dismiss}>Dismiss</Button>
    </div>
  );
}

/** The desktop window could not learn who it acts as: says so, and tries again on request. */
export function Unavailable() {
  const error = useSession((state) => state.error);
  const start = useSession((state) => state.start);
  return (
    <main className="screen" id="main">
      <ErrorNote>
        <p>{error}</p>
        <Button className="button button-small" onPress={() => void start()}>Try again</Button>
      </ErrorNote>
    </main>
  );
}
