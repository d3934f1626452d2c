/**
 * The overview's charts, drawn here as SVG (no chart library, nothing from a CDN): stacked bars, one
 * per day, a colour per series, with a legend, a title for screen readers, and the same figures as a
 * table below each chart.
 */

import { html, type Raw } from './html.ts';
import type { DayCount } from './queries.ts';

/** Colours with at least 3:1 contrast against white (WCAG 1.4.11), told apart by the legend too. */
const COLOURS = ['#01689b', '#b35c00', '#2e7d32', '#8e24aa', '#c62828', '#4e5d6c', '#00796b', '#5d4037'];

/** Every day from `from` to `to` (YYYY-MM-DD), inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (
    let d = new Date(`${from}T00:00:00Z`);
    d.toISOString().slice(0, 10) <= to;
    d.setUTCDate(d.getUTCDate() + 1)
  )
    out.push(d.toISOString().slice(0, 10));
  return out;
}

export interface ChartText {
  id: string;
  title: string;
  day: string;
  total: string;
  empty: string;
  /** A series' name as people read it. */
  label: (series: string) => string;
}

/** A stacked bar chart of day × series counts over `days`, with its legend and its data table. */
export function barChart(data: DayCount[], days: string[], text: ChartText): Raw {
  const series = [...new Set(data.map((d) => d.series))].sort();
  const at = new Map(data.map((d) => [`${d.day}|${d.series}`, d.n]));
  const totals = days.map((day) => series.reduce((s, name) => s + (at.get(`${day}|${name}`) ?? 0), 0));
  const max = Math.max(1, ...totals);
  const [w, h, left, bottom] = [720, 240, 40, 30];
  const bw = (w - left - 10) / Math.max(1, days.length);
  const bars = days.flatMap((day, i) => {
    let y = h - bottom;
    return series.map((name, s) => {
      const n = at.get(`${day}|${name}`) ?? 0;
      const bh = (n / max) * (h - bottom - 10);
      y -= bh;
      return n
        ? html`<rect x="${(left + i * bw + 1).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${bh.toFixed(1)}" fill="${COLOURS[s % COLOURS.length]}"><title>${day} · ${text.label(name)}: ${n}</title></rect>`
        : html``;
    });
  });
  const ticks = [0, Math.ceil(max / 2), max].map((v) => {
    const y = h - bottom - (v / max) * (h - bottom - 10);
    return html`<text x="${left - 4}" y="${(y + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#1b1b1b">${v}</text><line x1="${left}" x2="${w - 10}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#c8c8c8"/>`;
  });
  const labels = [0, Math.floor((days.length - 1) / 2), days.length - 1].map(
    (i) =>
      html`<text x="${(left + i * bw + bw / 2).toFixed(1)}" y="${h - 10}" text-anchor="middle" font-size="11" fill="#1b1b1b">${days[i]?.slice(5) ?? ''}</text>`,
  );
  const legend = series.map(
    (name, s) =>
      html`<li><svg width="12" height="12" aria-hidden="true" focusable="false"><rect width="12" height="12" fill="${COLOURS[s % COLOURS.length]}"/></svg> ${text.label(name)}</li>`,
  );
  const rows = days
    .map((day, i) => ({ day, i }))
    .filter(({ i }) => totals[i])
    .map(
      ({ day, i }) =>
        html`<tr><th scope="row">${day}</th>${series.map((name) => html`<td>${at.get(`${day}|${name}`) ?? 0}</td>`)}<td>${totals[i]}</td></tr>`,
    );
  return html`<figure class="chart" aria-labelledby="${text.id}-t">
<figcaption id="${text.id}-t"><h2>${text.title}</h2></figcaption>
<svg viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-labelledby="${text.id}-t" data-chart="${text.id}">
${ticks}${bars}${labels}
</svg>
${series.length ? html`<ul class="legend">${legend}</ul>` : html`<p class="muted">${text.empty}</p>`}
<details><summary>${text.title}</summary><div class="scroll"><table>
<thead><tr><th scope="col">${text.day}</th>${series.map((name) => html`<th scope="col">${text.label(name)}</th>`)}<th scope="col">${text.total}</th></tr></thead>
<tbody>${rows}</tbody></table></div></details>
</figure>`;
}
