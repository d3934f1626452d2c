/**
 * The viewer's own CSS and JavaScript, served as files under /archive/static/ (no inline style or
 * script: the pages' Content-Security-Policy forbids them). Colours meet WCAG 2.1 AA contrast (4.5:1
 * for text, 3:1 for the focus ring); the layout is one column on a phone.
 */
export const CSS = `
:root { --fg: #1b1b1b; --bg: #ffffff; --muted: #4a4a4a; --line: #c8c8c8; --accent: #01689b;
  --accent-bg: #e5f0f6; --ins: #d6f0d6; --ins-fg: #0b4a0b; --del: #fbe0e0; --del-fg: #7a1010; --mark: #fff1a8; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, main:focus-visible, iframe:focus-visible {
  outline: 3px solid #b35c00; outline-offset: 2px; }
.skip { position: absolute; left: -9999px; top: 0; background: var(--bg); padding: .5rem; }
.skip:focus { left: .5rem; z-index: 10; }
header.top { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; padding: .5rem 1rem;
  border-bottom: 1px solid var(--line); background: var(--accent-bg); }
.brand { margin: 0; font-weight: 700; }
nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
nav a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
.tools { margin-left: auto; display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; }
.tools form { margin: 0; }
main { padding: 1rem; max-width: 80rem; margin: 0 auto; }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; overflow-wrap: anywhere; }
h2 { font-size: 1.25rem; margin: 1.5rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
th { background: #f3f3f3; }
.scroll { overflow-x: auto; }
.muted { color: var(--muted); }
.hash { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .85rem; overflow-wrap: anywhere; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
.side { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
.side > section { border: 1px solid var(--line); padding: .75rem; border-radius: 4px; }
@media (max-width: 40rem) { .side { grid-template-columns: 1fr; } header.top { padding: .5rem; } main { padding: .5rem; }
  .scroll table { min-width: 38rem; } td { overflow-wrap: break-word; } }
ins { background: var(--ins); color: var(--ins-fg); text-decoration: underline; }
del { background: var(--del); color: var(--del-fg); text-decoration: line-through; }
del + ins { margin-left: .3em; }
mark { background: var(--mark); color: var(--fg); }
form.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: flex-end; margin-bottom: 1rem; }
form.filters label { display: flex; flex-direction: column; font-size: .9rem; }
input, select, button { font: inherit; padding: .3rem .5rem; border: 1px solid #6b6b6b; border-radius: 3px; background: var(--bg); color: var(--fg); }
button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
.status { display: inline-block; padding: 0 .4rem; border-radius: 3px; font-size: .85rem; border: 1px solid currentColor; }
.status-deleted, .status-unavailable { color: var(--del-fg); }
.status-edited { color: #7a4a00; }
.status-live { color: var(--ins-fg); }
ul.tree, ul.tree ul { list-style: none; padding-left: 1.25rem; border-left: 2px solid var(--line); }
ul.tree li { margin: .5rem 0; }
.notice { border-left: 4px solid var(--accent); background: var(--accent-bg); padding: .5rem .75rem; }
.error { border-left: 4px solid var(--del-fg); background: var(--del); padding: .5rem .75rem; }
.replay { width: 100%; height: 32rem; border: 1px solid var(--line); }
figure.chart { margin: 0 0 1.5rem; }
figure.chart svg { max-width: 100%; height: auto; }
.pager { display: flex; gap: 1rem; margin: 1rem 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
@media (max-width: 40rem) { dl.facts { grid-template-columns: 1fr; } }
.sanitised p { margin: 0 0 .5rem; }
ul.gallery { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 1rem; }
ul.gallery img { max-width: 12rem; max-height: 12rem; border: 1px solid var(--line); image-rendering: auto; }
ul.gallery figure { margin: 0; }
`;

/** Small progressive enhancements; every page works without them. */
export const JS = `
'use strict';
document.addEventListener('DOMContentLoaded', function () {
  // A filter select submits its form when changed (the submit button stays for keyboards and no-JS).
  document.querySelectorAll('select[data-autosubmit]').forEach(function (el) {
    el.addEventListener('change', function () { if (el.form) el.form.requestSubmit(); });
  });
  // Forms that change the archive ask once more.
  document.querySelectorAll('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (e) {
      if (!window.confirm(form.getAttribute('data-confirm'))) e.preventDefault();
    });
  });
});
`;

/** The replay frame's page: ReplayWeb.page fills the frame. */
export const REPLAY_CSS = `html, body { margin: 0; height: 100%; }
replay-web-page { display: block; height: 100vh; }
`;
