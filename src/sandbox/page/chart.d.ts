/** Types of chart.js (a plain ES module, so the browser can load it as it is). */
export function renderChart(spec: unknown): string;
