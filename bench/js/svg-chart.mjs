// A horizontal bar chart as a standalone SVG string, for docs/benchmarks/*.svg: one bar per
// measured program, ours highlighted, each labelled with its value. No dependency: the charts
// are rewritten by every full `npm run bench` and must render in a README viewer as they are.

const WIDTH = 720;
const LABEL_WIDTH = 230;
const VALUE_WIDTH = 110;
const BAR_HEIGHT = 22;
const GAP = 8;
const TOP = 48;
const BOTTOM = 30;

function escapeXml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]);
}

function formatValue(value) {
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/**
 * @param {{ title: string, unit: string, higherIsBetter: boolean,
 *           bars: { label: string, value: number, ours?: boolean }[] }} chart
 * @returns {string} the SVG document
 */
export function renderBarChart({ title, unit, higherIsBetter, bars }) {
  if (!bars.length) throw new Error(`chart '${title}' has no bars`);
  for (const bar of bars) {
    if (!Number.isFinite(bar.value) || bar.value < 0) throw new Error(`chart '${title}': bar '${bar.label}' has no measured value (${bar.value})`);
  }
  const max = Math.max(...bars.map((b) => b.value)) || 1;
  const plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const height = TOP + bars.length * (BAR_HEIGHT + GAP) + BOTTOM;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeXml(title)}">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="12" y="22" font-family="sans-serif" font-size="15" font-weight="bold" fill="#222">${escapeXml(title)}</text>`,
    `<text x="12" y="38" font-family="sans-serif" font-size="11" fill="#666">${escapeXml(unit)}, ${higherIsBetter ? 'higher is better' : 'lower is better'}</text>`,
  ];
  bars.forEach((bar, i) => {
    const y = TOP + i * (BAR_HEIGHT + GAP);
    const length = Math.max(1, (bar.value / max) * plot);
    const fill = bar.ours ? '#1f6feb' : '#9aa4ae';
    out.push(
      `<text x="${LABEL_WIDTH - 8}" y="${y + BAR_HEIGHT * 0.7}" text-anchor="end" font-family="sans-serif" font-size="12" fill="#222"${bar.ours ? ' font-weight="bold"' : ''}>${escapeXml(bar.label)}</text>`,
      `<rect x="${LABEL_WIDTH}" y="${y}" width="${length.toFixed(1)}" height="${BAR_HEIGHT}" fill="${fill}"/>`,
      `<text x="${(LABEL_WIDTH + length + 6).toFixed(1)}" y="${y + BAR_HEIGHT * 0.7}" font-family="sans-serif" font-size="12" fill="#222">${escapeXml(`${formatValue(bar.value)} ${unit}`)}</text>`,
    );
  });
  out.push(`<text x="12" y="${height - 10}" font-family="sans-serif" font-size="10" fill="#888">blue: pop3-wasm; grey: peers measured in the same run</text>`, '</svg>', '');
  return out.join('\n');
}
