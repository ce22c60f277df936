import { useEffect } from 'react';
import { RouterProvider } from 'react-aria-components';
import { DuplicatesScreen } from '../duplicates/DuplicatesScreen.js';
import { HistoryScreen } from '../history/HistoryScreen.js';
import { OrganizeScreen } from '../organize/OrganizeScreen.js';
import { SignInScreen } from '../sign-in/SignInScreen.js';
import { useSession } from '../sign-in/session-store.js';
import { NavBar } from './NavBar.js';
import { SessionNotice, Unavailable } from './SessionNotice.js';
import '../organize/open-folder.js';
import { useRoute } from './route-store.js';

const TITLES = { organize: 'Organize', history: 'History', duplicates: 'Duplicates', 'sign-in': 'Sign in' } as const;

/** The window: the navigation bar over the screen the address names; the sign-in screen until signed in. */
export function App() {
  const phase = useSession((state) => state.phase);
  const generation = useSession((state) => state.generation);
  const route = useRoute((state) => state.route);
  const navigate = useRoute((state) => state.navigate);
  useEffect(() => { void useSession.getState().start(); }, []);
  // A file dropped anywhere but a drop zone would make the page open it in place of the window: ignored.
  useEffect(() => {
    const ignore = (event: DragEvent): void => {
      if (event.defaultPrevented) return; // a drop zone took it
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'none';
    };
    window.addEventListener('dragover', ignore);
    window.addEventListener('drop', ignore);
    return () => {
      window.removeEventListener('dragover', ignore);
      window.removeEventListener('drop', ignore);
    };
  }, []);
  useEffect(() => { document.title = `${TITLES[route.screen]} – FileOrganizer`; }, [route.screen]);

  if (phase === 'starting') return <div className="app-starting" role="status">Opening FileOrganizer…</div>;
  if (phase === 'unavailable') return <Unavailable />;
  const signedIn = phase === 'signed-in';
  return (
    <RouterProvider navigate={(path) => navigate(path)}>
      <div className="app">
        {signedIn && <NavBar route={route} />}
        {/* Drawn afresh whenever the window acts as someone else: nothing of the last one's screens stays. */}
        <main className="screen" id="main" key={generation}>
          {signedIn && <SessionNotice />}
          {!signedIn || route.screen === 'sign-in' ? <SignInScreen />
            : route.screen === 'history' ? <HistoryScreen operationId={route.operationId} />
              : route.screen === 'duplicates' ? <DuplicatesScreen tab={route.tab} />
                : <OrganizeScreen />}
        </main>
      </div>
    </RouterProvider>
  );
}
