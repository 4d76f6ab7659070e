/** Small hooks shared by the views: the live store (one render per animation frame), a ticking clock, the hash route. */
import { useEffect, useState } from 'preact/hooks';
import type { LiveDashboard, LiveView } from '../model/live';

/** The controller's view; frames arriving together cause one render, on the next animation frame. */
export function useLive(live: LiveDashboard): LiveView {
  const [view, setView] = useState(live.snapshot);
  useEffect(() => {
    let scheduled = 0;
    const off = live.subscribe(() => {
      if (scheduled !== 0) return;
      scheduled = requestAnimationFrame(() => {
        scheduled = 0;
        setView(live.snapshot);
      });
    });
    setView(live.snapshot);
    return () => {
      off();
      cancelAnimationFrame(scheduled);
    };
  }, [live]);
  return view;
}

/** Now, re-read every `periodMs` (ages and "x s ago" labels). */
export function useNow(periodMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(timer);
  }, [periodMs]);
  return now;
}

export interface Route {
  readonly view: 'overview' | 'agents' | 'logs';
  /** `#/agents/<id>`: the agent whose detail is open. */
  readonly agentId: string | null;
}

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/');
  if (parts[0] === 'agents') return { view: 'agents', agentId: parts[1] ? decodeURIComponent(parts.slice(1).join('/')) : null };
  if (parts[0] === 'logs') return { view: 'logs', agentId: null };
  return { view: 'overview', agentId: null };
}

export function routeHash(route: Route): string {
  if (route.view === 'agents' && route.agentId !== null) return `#/agents/${encodeURIComponent(route.agentId)}`;
  return `#/${route.view}`;
}

export function useRoute(): [Route, (r: Route) => void] {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  return [route, (r) => (location.hash = routeHash(r))];
}
