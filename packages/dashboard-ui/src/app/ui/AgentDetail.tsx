/** One agent in full: registration, liveness and its request metrics, from the latest `agents` frame. */
import type { ComponentChildren } from 'preact';
import { ago, type Agent } from '../model/agents';
import { fmtDateTime, fmtFixed, fmtInt } from './format';

function Field(props: { label: string; children: ComponentChildren }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </>
  );
}

export function AgentDetail(props: { agentId: string; agent: Agent | null; now: number; onClose: () => void }) {
  const a = props.agent;
  return (
    <aside class="card detail" role="dialog" aria-label={`Agent ${props.agentId}`} data-testid="agent-detail">
      <header class="section-head">
        <h2>{a?.name ?? props.agentId}</h2>
        <button type="button" class="secondary" onClick={props.onClose} aria-label="Close detail">
          Close
        </button>
      </header>
      {a === null ? (
        <p class="muted">Agent {props.agentId} is not in the directory (unregistered?).</p>
      ) : (
        <dl>
          <Field label="Agent ID">
            <span class="mono">{a.agent_id}</span>
          </Field>
          <Field label="Status">
            <span class={`badge st st-${a.status}`}>{a.status}</span>
          </Field>
          <Field label="Last seen">
            {fmtDateTime(a.last_seen)} ({ago(a.last_seen, props.now)})
          </Field>
          {a.registered_at && <Field label="Registered">{fmtDateTime(a.registered_at)}</Field>}
          <Field label="Type">{a.agent_type}</Field>
          <Field label="Endpoint">
            <span class="mono">{a.endpoint}</span>
          </Field>
          <Field label="Capabilities">{a.capabilities.join(', ') || '–'}</Field>
          {a.version && <Field label="Version">{a.version}</Field>}
          {a.owner && <Field label="Owner">{a.owner}</Field>}
          {a.communication_mode && <Field label="Communication">{a.communication_mode}</Field>}
          {a.context_brief && <Field label="Context">{a.context_brief}</Field>}
          {a.features && a.features.length > 0 && <Field label="Features">{a.features.join(', ')}</Field>}
          {a.policy_tags && a.policy_tags.length > 0 && <Field label="Policy tags">{a.policy_tags.join(', ')}</Field>}
          {a.metadata && (
            <Field label="Metadata">
              <code>{JSON.stringify(a.metadata)}</code>
            </Field>
          )}
          {a.metrics && (
            <>
              <Field label="Requests">
                {fmtInt(a.metrics.total_requests)} ({fmtFixed(a.metrics.success_rate * 100, 1)} % success)
              </Field>
              <Field label="Avg response">{fmtFixed(a.metrics.avg_response_time * 1000, 0)} ms</Field>
              <Field label="Error rate">{fmtFixed(a.metrics.error_rate * 100, 1)} %</Field>
              <Field label="Reputation">{fmtFixed(a.metrics.reputation_score, 2)}</Field>
              <Field label="Last active">{fmtDateTime(a.metrics.last_active)}</Field>
            </>
          )}
        </dl>
      )}
    </aside>
  );
}
