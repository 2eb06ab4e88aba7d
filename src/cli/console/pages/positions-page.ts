// Positions: lending health with the distance to liquidation, LP ranges, liquid-staking tokens
// at their stake-pool rate vs market, and the SOL -30% stress every run applies.
import { formatAmount, formatTokenNumber, formatUsd } from '../../../shared/index.js';
import { formatPpmPercent } from '../../../treasury/index.js';
import { html, type Html } from '../html.js';
import type { AgentRead } from '../console-observer.js';

export function positionsPage(view: AgentRead): Html {
  const { positions } = view;
  const lending = positions.positions.flatMap((figure) =>
    figure.kind === 'lending'
      ? [
          html`<tr>
            <td>${figure.protocol}</td>
            <td class="mono">${figure.account}</td>
            <td class="num">${formatUsd(figure.suppliedMicroUsd, 'cents')}</td>
            <td class="num">${formatUsd(figure.borrowedMicroUsd, 'cents')}</td>
            <td class="num health">${figure.healthFactorPpm === null ? 'no debt' : formatAmount(figure.healthFactorPpm, 6)}</td>
            <td class="num">${figure.distanceToLiquidationPpm === null ? '-' : formatPpmPercent(figure.distanceToLiquidationPpm)}</td>
          </tr>`,
        ]
      : [],
  );
  const liquidity = positions.positions.flatMap((figure) =>
    figure.kind === 'liquidity'
      ? [
          html`<tr>
            <td>${figure.protocol}</td>
            <td class="mono">${figure.account}</td>
            <td class="num">${formatUsd(figure.netMicroUsd, 'cents')}</td>
            <td class="num">${formatUsd(figure.feesMicroUsd, 'cents')}</td>
            <td>${figure.inRange ? 'in range' : html`<strong class="flag severe">OUT OF RANGE</strong>`}</td>
          </tr>`,
        ]
      : [],
  );
  const unreadable = positions.positions.flatMap((figure) =>
    figure.kind !== 'lending' && figure.kind !== 'liquidity'
      ? [html`<li>${figure.protocol} ${figure.account}: unreadable, not valued (${figure.reason})</li>`]
      : [],
  );
  const staking = positions.liquidStaking.map(
    (lst) =>
      html`<tr>
        <td>${lst.symbol}</td>
        <td class="mono">${lst.account}</td>
        <td class="num">${formatAmount(lst.lamportsPerToken, 9)}</td>
        <td class="num">${formatTokenNumber(lst.amount, lst.decimals)}</td>
        <td class="num">${lst.fairMicroUsd === null ? '-' : formatUsd(lst.fairMicroUsd, 'cents')}</td>
        <td class="num">${lst.marketMicroUsd === null ? '-' : formatUsd(lst.marketMicroUsd, 'cents')}</td>
        <td>
          ${lst.depegBps === null ? 'unknown (no trusted price)' : `${lst.depegBps < 0n ? '' : '+'}${lst.depegBps} bps`}${lst.depegged ? html` <strong class="flag severe">DEPEGGED</strong>` : ''}
        </td>
      </tr>`,
  );
  const stress = positions.stress;
  return html`<p>
      Net ${formatUsd(positions.netMicroUsd, 'cents')}: assets ${formatUsd(positions.assetsMicroUsd, 'cents')}, debt
      ${formatUsd(positions.debtMicroUsd, 'cents')} (agent ${view.agent}, observation #${view.observationId}).
    </p>
    <section>
      <h2>Lending</h2>
      ${
        lending.length === 0
          ? html`<p>No lending position.</p>`
          : html`<table id="lending">
              <thead>
                <tr>
                  <th>protocol</th>
                  <th>account</th>
                  <th>supplied</th>
                  <th>borrowed</th>
                  <th>health</th>
                  <th>distance to liquidation</th>
                </tr>
              </thead>
              <tbody>
                ${lending}
              </tbody>
            </table>`
      }
    </section>
    <section>
      <h2>Liquidity (LP ranges)</h2>
      ${
        liquidity.length === 0
          ? html`<p>No LP position.</p>`
          : html`<table id="liquidity">
              <thead>
                <tr>
                  <th>protocol</th>
                  <th>position</th>
                  <th>value</th>
                  <th>fees</th>
                  <th>range</th>
                </tr>
              </thead>
              <tbody>
                ${liquidity}
              </tbody>
            </table>`
      }
    </section>
    <section>
      <h2>Liquid staking: rate vs market</h2>
      ${
        staking.length === 0
          ? html`<p>No liquid-staking token.</p>`
          : html`<table id="staking">
              <thead>
                <tr>
                  <th>token</th>
                  <th>stake pool</th>
                  <th>SOL per token</th>
                  <th>held</th>
                  <th>at the rate</th>
                  <th>at market</th>
                  <th>market vs rate</th>
                </tr>
              </thead>
              <tbody>
                ${staking}
              </tbody>
            </table>`
      }
    </section>
    ${
      unreadable.length > 0
        ? html`<section>
            <h2>Unreadable</h2>
            <ul>
              ${unreadable}
            </ul>
          </section>`
        : ''
    }
    <section>
      <h2>Stress: SOL −30%</h2>
      ${
        stress
          ? html`<p id="stress">
                Positions net ${formatUsd(stress.netBeforeMicroUsd, 'cents')} → ${formatUsd(stress.netAfterMicroUsd, 'cents')}
              </p>
              <table>
                <thead>
                  <tr>
                    <th>position</th>
                    <th>net before</th>
                    <th>net after</th>
                    <th>state</th>
                  </tr>
                </thead>
                <tbody>
                  ${stress.positions.map(
                    (row) =>
                      html`<tr>
                        <td class="mono">${row.account}</td>
                        <td class="num">${formatUsd(row.netBeforeMicroUsd, 'cents')}</td>
                        <td class="num">${formatUsd(row.netAfterMicroUsd, 'cents')}</td>
                        <td>
                          ${
                            row.healthAfterPpm !== null
                              ? html`health ${formatAmount(row.healthBeforePpm ?? 0n, 6)} →
                                ${formatAmount(row.healthAfterPpm, 6)}${row.healthAfterPpm < 1_000_000n ? html` <strong class="flag severe">liquidatable</strong>` : ''}`
                              : row.inRangeAfter !== null
                                ? `${row.inRangeBefore ? 'in range' : 'out of range'} → ${row.inRangeAfter ? 'in range' : 'out of range'}`
                                : ''
                          }
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
          : html`<p>No position to stress.</p>`
      }
    </section>
    <section>
      <h2>Flags</h2>
      ${
        positions.flags.length === 0
          ? html`<p>None.</p>`
          : html`<ul>
              ${positions.flags.map((flag) => html`<li class="sev-${flag.severity}"><strong>${flag.severity.toUpperCase()}</strong> ${flag.message}</li>`)}
            </ul>`
      }
    </section>`;
}
