import { create } from 'zustand';

/** The window's screens, by the path that shows them (links are real URLs: reload and back work). */
export type Route =
  | { screen: 'organize' }
  | { screen: 'history'; operationId: string | null }
  | { screen: 'duplicates'; tab: 'find' | 'quarantine' }
  | { screen: 'sign-in' };

export function routeOf(pathname: string): Route {
  const parts = pathname.split('/').filter((part) => part.length > 0).map((part) => decodeURIComponent(part));
  switch (parts[0]) {
    case 'history': return { screen: 'history', operationId: parts[1] ?? null };
    case 'duplicates': return { screen: 'duplicates', tab: parts[1] === 'quarantine' ? 'quarantine' : 'find' };
    case 'sign-in': return { screen: 'sign-in' };
    default: return { screen: 'organize' };
  }
}

interface RouteState {
  route: Route;
  /** show a path: pushed to the browser's history unless `replace` */
  navigate(path: string, options?: { replace?: boolean }): void;
}

export const useRoute = create<RouteState>((set) => ({
  route: routeOf(window.location.pathname),
  navigate(path, options) {
    if (path !== window.location.pathname + window.location.search) {
      if (options?.replace) window.history.replaceState(null, '', path);
      else window.history.pushState(null, '', path);
    }
    set({ route: routeOf(new URL(path, window.location.origin).pathname) });
  },
}));

window.addEventListener('popstate', () => useRoute.setState({ route: routeOf(window.location.pathname) }));
