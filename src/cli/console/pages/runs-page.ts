// Runs: the journal of agent runs with status and phases, and each run's report (the Markdown
// the run wrote, shown as text).
import type { RunRow } from '../../../agent/run-store.js';
import { html, preText, type Html } from '../html.js';

export function runsPage(runs: readonly RunRow[]): Html {
  if (runs.length === 0) return html`<p>No run recorded yet (\`steward run AGENT\`, \`steward start\`).</p>`;
  return html`<table id="runs">
    <thead>
      <tr>
        <th>run</th>
        <th>started</th>
        <th>agent</th>
        <th>trigger</th>
        <th>status</th>
        <th>phases</th>
        <th>error</th>
      </tr>
    </thead>
    <tbody>
      ${runs.map(
        (run) =>
          html`<tr data-run="${run.id}" class="status-${run.status}">
            <td><a href="/runs/${run.id}">${run.id}</a></td>
            <td>${run.startedAt}</td>
            <td>${run.agent}</td>
            <td>${run.trigger}</td>
            <td class="status">${run.status}</td>
            <td>
              ${run.phases.map((phase) => html`<span class="phase ${phase.ok ? 'ok' : 'failed'}">${phase.name} ${Math.round(phase.ms)} ms</span> `)}
            </td>
            <td>${run.error ?? ''}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

export function runPage(run: RunRow): Html {
  return html`<p><a href="/runs">← all runs</a></p>
    <p>
      Run ${run.id} of <strong>${run.agent}</strong> (${run.trigger}): <span class="status">${run.status}</span>, started
      ${run.startedAt}${run.finishedAt ? `, finished ${run.finishedAt}` : ''}.${run.error ? html` Error: ${run.error}` : ''}
    </p>
    <table>
      <thead>
        <tr>
          <th>phase</th>
          <th>ms</th>
          <th>ok</th>
          <th>detail</th>
        </tr>
      </thead>
      <tbody>
        ${run.phases.map(
          (phase) =>
            html`<tr>
              <td>${phase.name}</td>
              <td class="num">${Math.round(phase.ms)}</td>
              <td>${phase.ok ? 'yes' : 'FAILED'}</td>
              <td>${phase.detail ?? ''}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <h2>Report</h2>
    ${run.report === null ? html`<p>No report kept in the journal for this run${run.reportPath ? html` (file: ${run.reportPath})` : ''}.</p>` : html`<pre class="report">${preText(run.report)}</pre>`}`;
}
