/** The connection badge: live / reconnecting / stale, with the age of the last frame. */
import type { LiveView } from '../model/live';
import { freshness } from '../model/state';
import { fmtAge } from './format';
import { useNow } from './hooks';

export type Shown = 'connecting' | 'live' | 'stale' | 'reconnecting' | 'closed';

export function connectionText(view: LiveView, now: number): { state: Shown; text: string } {
  const c = view.connection;
  const last = view.data.lastFrameAt;
  const age = last === null ? '' : ` · last frame ${fmtAge(now - last)} ago`;
  if (c === null || c.state === 'idle' || c.state === 'connecting') return { state: 'connecting', text: 'Connecting…' };
  if (c.state === 'reconnecting') {
    const wait = c.delayMs === undefined ? '' : ` in ${Math.ceil(c.delayMs / 1000)} s`;
    return {
      state: 'reconnecting',
      text: `Reconnecting${wait} (attempt ${c.attempt}, closed ${c.code ?? ''}${c.reason ? ` ${c.reason}` : ''})${age}`,
    };
  }
  if (c.state === 'closed') return { state: 'closed', text: `Disconnected${age}` };
  const fresh = freshness(view.data, now);
  if (fresh === 'stale') return { state: 'stale', text: `Stale${age}` };
  return { state: 'live', text: fresh === 'waiting' ? 'Live · waiting for data' : `Live${age}` };
}

export function ConnectionBadge(props: { view: LiveView }) {
  const now = useNow(500);
  const { state, text } = connectionText(props.view, now);
  return (
    <span class={`badge conn conn-${state}`} data-testid="connection" data-state={state} role="status">
      {text}
    </span>
  );
}
