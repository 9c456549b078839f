// A small horizontal bar chart of ratios as SVG, with a tick for each bar's target.

const escape = (text) => String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function barChart({ title, bars }) {
  const width = 640;
  const labelWidth = 150;
  const barHeight = 26;
  const gap = 12;
  const top = 40;
  const plot = width - labelWidth - 90;
  const max = Math.max(1, ...bars.map((bar) => Math.max(bar.value, bar.target))) * 1.1;
  const x = (value) => labelWidth + (value / max) * plot;
  const height = top + bars.length * (barHeight + gap) + 30;
  const rows = bars.map((bar, i) => {
    const y = top + i * (barHeight + gap);
    const met = bar.value <= bar.target;
    return [
      `<text x="${labelWidth - 8}" y="${y + barHeight * 0.68}" text-anchor="end">${escape(bar.label)}</text>`,
      `<rect x="${labelWidth}" y="${y}" width="${(x(bar.value) - labelWidth).toFixed(1)}" height="${barHeight}" fill="${met ? "#3a7d44" : "#c0504d"}"/>`,
      `<line x1="${x(bar.target).toFixed(1)}" x2="${x(bar.target).toFixed(1)}" y1="${y - 4}" y2="${y + barHeight + 4}" stroke="#222" stroke-width="2"/>`,
      `<text x="${(x(bar.value) + 6).toFixed(1)}" y="${y + barHeight * 0.68}">${bar.value.toFixed(2)}×</text>`,
    ].join("\n  ");
  });
  const one = x(1).toFixed(1);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="13">
  <rect width="100%" height="100%" fill="#fff"/>
  <text x="10" y="22" font-size="15">${escape(title)}</text>
  <line x1="${one}" x2="${one}" y1="${top - 6}" y2="${height - 24}" stroke="#999" stroke-dasharray="4 3"/>
  <text x="${one}" y="${height - 8}" text-anchor="middle" fill="#666">1×</text>
  ${rows.join("\n  ")}
</svg>
`;
}
