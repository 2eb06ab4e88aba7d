// Treasury: the holdings table (the same figures as `steward observe --json`), allocation vs
// targets as a chart, value over time from the stored observations, flags, and the agent's
// allowances with what remains.
import { formatAmount, formatTokenNumber, formatUsd } from '../../../shared/index.js';
import { formatPpmPercent, type TreasuryAnalysis } from '../../../treasury/index.js';
import { csrfField } from '../layout.js';
import { html, jsonData, type Html } from '../html.js';
import type { AgentRead } from '../console-observer.js';

function signedPp(ppm: bigint): string {
  const abs = ppm < 0n ? -ppm : ppm;
  return `${ppm < 0n ? '-' : '+'}${formatAmount(abs / 100n, 2)}pp`;
}

/** Allocation vs target per asset as horizontal bars (SVG, no script needed). */
function allocationChart(analysis: TreasuryAnalysis): Html {
  const rows = analysis.assets.filter((asset) => asset.weightPpm !== null || asset.targetPpm !== null);
  const rowHeight = 34;
  const width = 640;
  const left = 120;
  const scale = (ppm: bigint | null) => (ppm === null ? 0 : Math.round((Number(ppm) / 1_000_000) * (width - left - 70)));
  const bars = rows.map((asset, i) => {
    const y = i * rowHeight + 4;
    return html`<g>
      <text x="0" y="${y + 17}" class="label">${asset.label}</text>
      <rect x="${left}" y="${y}" width="${scale(asset.weightPpm)}" height="12" class="weight"
        ><title>weight ${asset.weightPpm === null ? '-' : formatPpmPercent(asset.weightPpm)}</title></rect
      >
      <rect x="${left}" y="${y + 14}" width="${scale(asset.targetPpm)}" height="8" class="target"
        ><title>target ${asset.targetPpm === null ? '-' : formatPpmPercent(asset.targetPpm)}</title></rect
      >
      <text x="${left + scale(asset.weightPpm) + 6}" y="${y + 11}" class="value"
        >${asset.weightPpm === null ? '-' : formatPpmPercent(asset.weightPpm)}</text
      >
    </g>`;
  });
  return html`<figure>
    <svg
      id="allocation-chart"
      role="img"
      aria-label="allocation vs targets"
      viewBox="0 0 ${width} ${rows.length * rowHeight + 8}"
      width="${width}"
      height="${rows.length * rowHeight + 8}"
    >
      ${bars}
    </svg>
    <figcaption><span class="key weight"></span> weight now <span class="key target"></span> target (policy)</figcaption>
  </figure>`;
}

export function treasuryPage(
  view: AgentRead,
  history: { observedAt: string; trustedMicroUsd: bigint }[],
  agents: readonly string[],
  csrf: string,
): Html {
  const { analysis } = view;
  const holdings = analysis.assets.map(
    (asset) =>
      html`<tr data-asset="${asset.label}">
        <td>${asset.label}</td>
        <td class="num amount">${formatTokenNumber(asset.amount, asset.decimals)}</td>
        <td class="num">
          ${asset.price ? `$${asset.price.text}` : '-'}${asset.price && !asset.price.trusted ? html` <span class="flag warn">untrusted</span>` : ''}
        </td>
        <td class="num value">${asset.valueMicroUsd === null ? '-' : formatUsd(asset.valueMicroUsd, 'cents')}</td>
        <td class="num">${asset.weightPpm === null ? '-' : formatPpmPercent(asset.weightPpm)}</td>
        <td class="num">${asset.targetPpm === null ? '-' : formatPpmPercent(asset.targetPpm)}</td>
        <td class="num">${asset.driftPpm === null ? '-' : signedPp(asset.driftPpm)}</td>
        <td>${[...(asset.valueKind === 'unpriced' ? ['unpriced'] : []), ...asset.flags].join(', ') || '-'}</td>
      </tr>`,
  );
  const flags = analysis.flags.map(
    (flag) => html`<li class="sev-${flag.severity}"><strong>${flag.severity.toUpperCase()}</strong> ${flag.message}</li>`,
  );
  const allowances = analysis.allowances.map(
    (allowance) =>
      html`<tr>
        <td>${allowance.label}</td>
        <td class="mono">${allowance.tokenAccount}</td>
        <td class="num remaining">${allowance.remainingText}</td>
      </tr>`,
  );
  const series = history.map((point) => [Math.floor(Date.parse(point.observedAt) / 1000), Number(point.trustedMicroUsd) / 1e6]);
  const lastPoints = history.slice(-8).reverse();
  return html`<p>
      Agent
      <strong>${view.agent}</strong
      >${agents.length > 1 ? html` (others: ${agents.filter((name) => name !== view.agent).map((name) => html`<a href="/?agent=${encodeURIComponent(name)}">${name}</a> `)})` : ''};
      observed at slot <span id="slot">${analysis.slot.toString()}</span>, ${analysis.observedAt} (observation #${view.observationId}).
    </p>
    <form method="post" action="/observe" class="inline">
      ${csrfField(csrf)}<input type="hidden" name="agent" value="${view.agent}" /><button type="submit" id="observe">Observe again</button>
    </form>
    <section>
      <h2>Holdings</h2>
      <table id="holdings">
        <thead>
          <tr>
            <th>asset</th>
            <th>amount</th>
            <th>price</th>
            <th>value</th>
            <th>weight</th>
            <th>target</th>
            <th>drift</th>
            <th>flags</th>
          </tr>
        </thead>
        <tbody>
          ${holdings}
        </tbody>
      </table>
      <p>
        Total (trusted prices):
        <strong id="total-trusted">${formatUsd(analysis.totals.trustedMicroUsd, 'cents')}</strong
        >${analysis.totals.untrustedMicroUsd > 0n ? html`; untrusted prices, not counted: ${formatUsd(analysis.totals.untrustedMicroUsd, 'cents')}` : ''}${analysis.totals.unpriced.length > 0 ? html`; unpriced: ${analysis.totals.unpriced.join(', ')}` : ''}.
        Stable share ${analysis.stableShare.sharePpm === null ? '-' : formatPpmPercent(analysis.stableShare.sharePpm)}; runway
        ${analysis.runway.months ?? '-'} months.
      </p>
    </section>
    <section>
      <h2>Allocation vs targets</h2>
      ${allocationChart(analysis)}
    </section>
    <section>
      <h2>Value over time</h2>
      <div id="value-chart" class="chart"></div>
      ${jsonData('value-series', series)}
      <table class="compact" id="value-table">
        <thead>
          <tr>
            <th>observed</th>
            <th>value (trusted)</th>
          </tr>
        </thead>
        <tbody>
          ${lastPoints.map(
            (point) =>
              html`<tr>
                <td>${point.observedAt}</td>
                <td class="num">${formatUsd(point.trustedMicroUsd, 'cents')}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>
    <section>
      <h2>Flags</h2>
      ${
        flags.length === 0
          ? html`<p>None.</p>`
          : html`<ul id="flags">
              ${flags}
            </ul>`
      }
    </section>
    <section>
      <h2>Agent allowances (what remains on chain)</h2>
      ${
        allowances.length === 0
          ? html`<p>None: the agent may move nothing.</p>`
          : html`<table id="allowances">
              <thead>
                <tr>
                  <th>token</th>
                  <th>treasury account</th>
                  <th>remaining</th>
                </tr>
              </thead>
              <tbody>
                ${allowances}
              </tbody>
            </table>`
      }
    </section>`;
}
