import { type UserView } from '../../src-shared/api/auth.js';

/**
 * The desktop window acts as the computer's own profile, or as an account signed in to in it. Accounts have an
 * email; the computer's profile has none, which tells them apart after a reload too.
 */
export const isAccount = (user: UserView | null): user is UserView => user !== null && user.email !== null;

/** What the navigation bar calls whoever the window acts as. */
export const whoWords = (user: UserView): string => (isAccount(user) ? user.full_name || user.username : 'This computer\'s profile');

/** The screen to come back to from the sign-in screen: where Sign in was pressed, never the sign-in screen itself. */
export const returnPath = (pathname: string, fallback: string): string => (pathname.startsWith('/sign-in') || pathname === '/' ? fallback : pathname);
