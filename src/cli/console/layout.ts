// The frame of every console page: navigation, the pause state with its switch (shown on every
// page while paused), and the page body. Forms post with the CSRF token; the page script only
// adds live updates and charts, so every page reads the same with JavaScript disabled.
import type { PauseState } from '../../store/index.js';
import { html, type Html } from './html.js';

export const PAGES = [
  { path: '/', title: 'Treasury' },
  { path: '/positions', title: 'Positions' },
  { path: '/proposals', title: 'Proposals' },
  { path: '/runs', title: 'Runs' },
  { path: '/approvals', title: 'Approvals' },
] as const;

export interface Frame {
  pause: PauseState;
  csrf: string;
  pendingApprovals: number;
  cluster: string;
  /** A one-line result of the last form post (?notice=…), shown once. */
  notice?: string | undefined;
  noticeKind?: 'ok' | 'error' | undefined;
}

export function csrfField(csrf: string): Html {
  return html`<input type="hidden" name="csrf" value="${csrf}" />`;
}

function pauseSwitch(frame: Frame): Html {
  if (frame.pause.paused) {
    return html`<section class="paused" id="paused" role="alert">
      <strong>PAUSED</strong>: every action is
      denied${frame.pause.reason ? html` — reason: <span class="reason">${frame.pause.reason}</span>` : ''}${frame.pause.since ? html` (since ${frame.pause.since})` : ''}.
      <form method="post" action="/resume" class="inline">${csrfField(frame.csrf)}<button type="submit" id="resume">Resume</button></form>
    </section>`;
  }
  return html`<form method="post" action="/pause" class="pause-form">
    ${csrfField(frame.csrf)}
    <input name="reason" placeholder="reason for pausing" required maxlength="200" aria-label="reason for pausing" />
    <button type="submit" id="pause">Pause every agent</button>
  </form>`;
}

export function page(title: string, path: string, frame: Frame, body: Html): Html {
  const nav = PAGES.map(
    (entry) =>
      html`<a href="${entry.path}" ${entry.path === path ? html` aria-current="page"` : ''}
        >${entry.title}${entry.path === '/approvals' && frame.pendingApprovals > 0 ? html` <span class="badge" id="pending-count">${frame.pendingApprovals}</span>` : ''}</a
      >`,
  );
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} — Steward console</title>
        <link rel="stylesheet" href="/assets/uPlot.min.css" />
        <link rel="stylesheet" href="/assets/console.css" />
        <script src="/assets/uPlot.iife.min.js" defer></script>
        <script src="/assets/console.js" defer></script>
      </head>
      <body data-page="${path}">
        <header>
          <span class="brand">Steward</span>
          <nav>${nav}</nav>
          <span class="cluster">chain: ${frame.cluster}</span>
        </header>
        ${pauseSwitch(frame)}
        ${frame.notice ? html`<p class="notice ${frame.noticeKind ?? 'ok'}" id="notice" role="status">${frame.notice}</p>` : ''}
        <main>
          <h1>${title}</h1>
          ${body}
        </main>
        <footer><span id="live">updates live while this page is open</span></footer>
      </body>
    </html>`;
}
