// Draws the chart element of a Feishu card (a VChart spec: bar or line, with xField / yField /
// seriesField) as a small SVG. Only what the product's cards use; any other spec is shown as a table.
// Plain ES module with no dependencies: used by the page and by the unit tests in Node.

const PALETTE = ['#3370ff', '#34c724', '#ff8800', '#f54a45', '#7f3bf5', '#14c0ff'];

function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function shape(spec) {
  const values = (Array.isArray(spec.data) ? spec.data[0]?.values : spec.data?.values) ?? [];
  const xField = Array.isArray(spec.xField) ? spec.xField[0] : spec.xField;
  const yField = Array.isArray(spec.yField) ? spec.yField[0] : spec.yField;
  const seriesField = spec.seriesField ?? (Array.isArray(spec.xField) ? spec.xField[1] : undefined);
  const categories = [];
  const series = [];
  const value = new Map();
  for (const v of values) {
    const x = String(v[xField]);
    const s = seriesField ? String(v[seriesField]) : '';
    if (!categories.includes(x)) categories.push(x);
    if (!series.includes(s)) series.push(s);
    value.set(`${x}\u0000${s}`, Number(v[yField]) || 0);
  }
  return { categories, series, get: (x, s) => value.get(`${x}\u0000${s}`) ?? 0 };
}

/** An SVG string for the spec (bar or line), or an HTML table for anything else. */
export function renderChart(spec) {
  const type = spec?.type;
  const title = spec?.title?.text ? `<div class="chart-title">${esc(spec.title.text)}</div>` : '';
  if (type !== 'bar' && type !== 'line') return `${title}<div class="chart-unsupported">chart type ${esc(type ?? '?')}</div>`;
  const { categories, series, get } = shape(spec);
  const W = 560;
  const H = 260;
  const left = 36;
  const bottom = 52;
  const top = 12;
  const plotW = W - left - 8;
  const plotH = H - top - bottom;
  const max = Math.max(1, ...categories.flatMap((x) => series.map((s) => get(x, s))));
  const step = Math.max(1, Math.ceil(max / 4));
  const yMax = step * 4;
  const y = (v) => top + plotH - (v / yMax) * plotH;
  const parts = [];
  for (let i = 0; i <= 4; i++) {
    const v = i * step;
    parts.push(`<line x1="${left}" x2="${W - 8}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e6eb"/>`);
    parts.push(`<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end" font-size="10" fill="#646a73">${v}</text>`);
  }
  const band = plotW / Math.max(1, categories.length);
  categories.forEach((x, i) => {
    parts.push(`<text x="${left + band * i + band / 2}" y="${top + plotH + 14}" text-anchor="middle" font-size="10" fill="#646a73">${esc(x)}</text>`);
  });
  if (type === 'bar') {
    const barW = Math.max(2, (band * 0.7) / Math.max(1, series.length));
    categories.forEach((x, i) => {
      series.forEach((s, j) => {
        const v = get(x, s);
        const bx = left + band * i + band * 0.15 + barW * j;
        parts.push(`<rect class="bar" x="${bx.toFixed(1)}" y="${y(v).toFixed(1)}" width="${barW.toFixed(1)}" height="${(top + plotH - y(v)).toFixed(1)}" fill="${PALETTE[j % PALETTE.length]}"><title>${esc(`${x} ${s}: ${v}`)}</title></rect>`);
        if (spec.label?.visible && v > 0) parts.push(`<text x="${(bx + barW / 2).toFixed(1)}" y="${(y(v) - 3).toFixed(1)}" text-anchor="middle" font-size="9" fill="#1f2329">${v}</text>`);
      });
    });
  } else {
    series.forEach((s, j) => {
      const points = categories.map((x, i) => [left + band * i + band / 2, y(get(x, s))]);
      const color = PALETTE[j % PALETTE.length];
      parts.push(`<polyline class="line" fill="none" stroke="${color}" stroke-width="2" points="${points.map((p) => p.map((n) => n.toFixed(1)).join(',')).join(' ')}"/>`);
      if (spec.point?.visible !== false) for (const [px, py] of points) parts.push(`<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="3" fill="${color}"/>`);
    });
  }
  if (spec.legends?.visible !== false && series.length > 1) {
    series.forEach((s, j) => {
      const lx = left + j * 110;
      parts.push(`<rect x="${lx}" y="${H - 16}" width="10" height="10" fill="${PALETTE[j % PALETTE.length]}"/><text x="${lx + 14}" y="${H - 7}" font-size="11" fill="#1f2329">${esc(s)}</text>`);
    });
  }
  return `${title}<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(spec.title?.text ?? type)}">${parts.join('')}</svg>`;
}
