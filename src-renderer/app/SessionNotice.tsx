import { Button } from 'react-aria-components';
import { client } from '../client/index.js';
import { useSession } from '../sign-in/session-store.js';
import { ErrorNote } from '../ui/Notes.js';
import { useRoute } from './route-store.js';

/**
 * The desktop window's words about who it acts as, when that changed by itself or by Sign out: "Your account's
 * session ended; you are back on this computer's own profile." Shown over the screen until dismissed, with Sign
 * in beside Dismiss when it asks to sign in again. (In a browser the sign-in screen says such things.)
 */
export function SessionNotice() {
  const notice = useSession((state) => state.notice);
  const isError = useSession((state) => state.noticeIsError);
  const offersSignIn = useSession((state) => state.noticeOffersSignIn);
  const onSignIn = useRoute((state) => state.route.screen === 'sign-in');
  const { dismissNotice, openSignIn } = useSession.getState();
  if (client.desktop === null || notice === null) return null;
  return (
    <div className={`note ${isError ? 'note-error' : 'note-info'} session-notice`} role={isError ? 'alert' : 'status'}>
      <p className="session-notice-text">{notice}</p>
      {/* On the sign-in screen its form is the way in. */}
      {offersSignIn && !onSignIn && <Button className="button button-small button-primary" onPress={openSignIn}>Sign in</Button>}
      <Button className="button button-small" onPress={dismissNotice}>Dismiss</Button>
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
