/**
 * The live log (`logs` frames and `dashboard_log` entries), newest first: level and text
 * filters, a scroll pause that freezes the list while new entries are counted, and `clear_logs`.
 */
import type { LogEntry } from '@arcp/protocol';
import { useMemo, useState } from 'preact/hooks';
import { filterLogs, LOG_LEVELS } from '../model/logs';
import { fmtTime } from './format';

const SHOWN = 500;

export function Logs(props: { logs: readonly LogEntry[]; onClear: () => void }) {
  const [levels, setLevels] = useState<ReadonlySet<string>>(new Set(LOG_LEVELS));
  const [text, setText] = useState('');
  const [frozen, setFrozen] = useState<readonly LogEntry[] | null>(null);
  const source = frozen ?? props.logs;
  const shown = useMemo(() => filterLogs(source, levels, text), [source, levels, text]);
  const waiting = frozen === null ? 0 : props.logs.indexOf(frozen[0]!) === -1 ? props.logs.length : props.logs.indexOf(frozen[0]!);
  const toggle = (level: string) => {
    const next = new Set(levels);
    if (next.has(level)) next.delete(level);
    else next.add(level);
    setLevels(next);
  };

  return (
    <section class="logs-view" aria-label="Logs">
      <div class="toolbar">
        <fieldset class="levels">
          <legend>Levels</legend>
          {LOG_LEVELS.map((l) => (
            <label key={l} class={`lvl lvl-${l}`}>
              <input type="checkbox" checked={levels.has(l)} onChange={() => toggle(l)} /> {l}
            </label>
          ))}
        </fieldset>
        <input
          type="search"
          aria-label="Filter logs"
          placeholder="Filter message or source"
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <button
          type="button"
          class="secondary"
          aria-pressed={frozen !== null}
          onClick={() => setFrozen(frozen === null ? props.logs : null)}
        >
          {frozen === null ? 'Pause scroll' : `Resume scroll${waiting > 0 ? ` (${waiting} new)` : ''}`}
        </button>
        <button type="button" class="secondary" onClick={props.onClear}>
          Clear logs
        </button>
        <span class="muted" data-testid="logs-count">
          {shown.length} entries
        </span>
      </div>
      <ol class="card log-list" data-testid="log-list">
        {shown.slice(0, SHOWN).map((e, i) => (
          <li key={`${e.timestamp}|${e.message}|${i}`} class={`log lvl-${e.level}`}>
            <time dateTime={e.timestamp}>{fmtTime(e.timestamp)}</time>
            <span class={`badge lvl lvl-${e.level}`}>{e.level}</span>
            <span class="muted src">{e.source}</span>
            <span class="msg">{e.message}</span>
          </li>
        ))}
        {shown.length === 0 && <li class="muted empty">No log entries.</li>}
      </ol>
    </section>
  );
}
