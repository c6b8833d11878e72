// Charts as server-rendered SVG, built with the same escaping templates as every page (labels are
// text), so the dashboard needs no script and no inline style.
import { html, type SafeHtml } from '../html.ts';

export interface Bar {
  readonly label: string;
  readonly value: number;
  /** Stacked parts (class → count), drawn in the given order with their CSS class. */
  readonly parts?: readonly { readonly key: string; readonly value: number; readonly label?: string }[];
}

const ROW = 22;
const LABEL_W = 150;
const BAR_W = 320;

/** Horizontal bars, one row per entry, the value written after the bar. */
export function barChart(title: string, bars: readonly Bar[]): SafeHtml {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = ROW * bars.length + 30;
  const rows = bars.map((b, i) => {
    const y = 24 + i * ROW;
    let x = LABEL_W;
    const segments = (b.parts ?? [{ key: 'bar', value: b.value }]).map((p) => {
      const w = (p.value / max) * BAR_W;
      const rect = html`<rect class="${p.key === 'bar' ? 'bar' : `seg-${p.key.toLowerCase()}`}" x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${ROW - 6}"><title>${p.label ?? p.key}: ${p.value}</title></rect>`;
      x += w;
      return rect;
    });
    return html`<text x="${LABEL_W - 6}" y="${y + 12}" text-anchor="end">${b.label.length > 22 ? `${b.label.slice(0, 21)}…` : b.label}</text>${segments}<text x="${(x + 4).toFixed(1)}" y="${y + 12}">${b.value}</text>`;
  });
  return html`<figure><svg class="chart" role="img" aria-label="${title}" width="${LABEL_W + BAR_W + 60}" height="${height}" viewBox="0 0 ${LABEL_W + BAR_W + 60} ${height}" xmlns="http://www.w3.org/2000/svg">
    <text x="4" y="14" class="title">${title}</text>${rows}</svg></figure>`;
}
