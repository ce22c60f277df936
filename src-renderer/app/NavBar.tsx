import { Button, Link } from 'react-aria-components';
import { useSession } from '../sign-in/session-store.js';
import { type Route } from './route-store.js';

const LINKS = [
  { screen: 'organize', href: '/organize', label: 'Organize' },
  { screen: 'history', href: '/history', label: 'History' },
  { screen: 'duplicates', href: '/duplicates', label: 'Duplicates' },
] as const;

/** The bar over every screen: the three screens, who is signed in, and Sign out. */
export function NavBar({ route }: { route: Route }) {
  const user = useSession((state) => state.user);
  const signOut = useSession((state) => state.signOut);
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
        {user && <span className="navbar-who" title={user.email ?? user.username}>{user.full_name || user.username}</span>}
        <Button className="button button-quiet" onPress={() => void signOut()}>Sign out</Button>
      </div>
    </header>
  );
}
