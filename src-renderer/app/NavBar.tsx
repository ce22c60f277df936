import { Button, Link } from 'react-aria-components';
import { client } from '../client/index.js';
import { isAccount, whoWords } from '../sign-in/desktop-session.js';
import { useSession } from '../sign-in/session-store.js';
import { type Route } from './route-store.js';

const LINKS = [
  { screen: 'organize', href: '/organize', label: 'Organize' },
  { screen: 'history', href: '/history', label: 'History' },
  { screen: 'duplicates', href: '/duplicates', label: 'Duplicates' },
] as const;

/**
 * The bar over every screen: the three screens, who the window acts as, and Sign out. In the desktop app the
 * window is the computer's own profile until an account signs in: it offers Sign in instead, and Sign out only
 * for an account (back to the computer's profile).
 */
export function NavBar({ route }: { route: Route }) {
  const user = useSession((state) => state.user);
  const busy = useSession((state) => state.busy);
  const { signOut, openSignIn } = useSession.getState();
  const desktop = client.desktop !== null;
  const account = isAccount(user);
  return (
    <header className="navbar">
      <span className="navbar-brand" aria-hidden="true">FileOrganizer</span>
      <nav aria-label="Screens" className="navbar-links">
        {LINKS.map((link) => (
          <Link key={link.screen} href={link.href} className="navbar-link" aria-current={route.screen === link.screen ? 'page' : undefined}>
            {link.label}
          </Link>
        ))}
      </nav>
      <div className="navbar-user">
        {user && (
          desktop
            ? <span className={account ? 'navbar-who navbar-who-account' : 'navbar-who'} title={user.email ?? whoWords(user)}>{whoWords(user)}</span>
            : <span className="navbar-who" title={user.email ?? user.username}>{user.full_name || user.username}</span>
        )}
        {!desktop || account
          // Disabled while signing out: a second press would sign out twice.
          ? <Button className="button button-quiet" isDisabled={desktop && busy} onPress={() => void signOut()}>Sign out</Button>
          // On the sign-in screen its form is the way in: one Sign in button on the screen.
          : route.screen !== 'sign-in' && user !== null && <Button className="button button-quiet" onPress={openSignIn}>Sign in</Button>}
      </div>
    </header>
  );
}
