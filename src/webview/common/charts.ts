// Chart.js, registered with only the pieces the panels use (tree-shaken bundle, no eval).
// Streaming setup per the Chart.js performance guide: no animation, no parsing ({x, y} points
// prepared by us), updates with update('none').
import {
  Chart, Filler, Legend, LinearScale, LogarithmicScale, LineController, LineElement, PointElement, Tooltip,
  type ChartDataset, type Plugin,
} from 'chart.js';
import { readThemeColors, type ThemeColors } from './theme';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Legend, Tooltip, Filler);

export { Chart };
export type Point = { x: number; y: number };
export type LineDataset = ChartDataset<'line', Point[]>;

/** Paints the editor background under the chart so exported PNGs are not transparent. */
const backgroundPlugin: Plugin<'line'> = {
  id: 'dropoutLabBackground',
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = readThemeColors().background;
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

export function lineChart(canvas: HTMLCanvasElement, options: {
  datasets: LineDataset[]; xTitle: string; yTitle: string; yMin?: number; xMin?: number; xMax?: number; xType?: 'linear' | 'logarithmic';
}): Chart<'line', Point[]> {
  const colors = readThemeColors();
  const chart = new Chart<'line', Point[]>(canvas, {
    type: 'line',
    data: { datasets: options.datasets },
    options: {
      animation: false,
      parsing: false,
      normalized: true,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: {
        x: options.xType === 'logarithmic'
          ? { type: 'logarithmic', min: options.xMin, max: options.xMax, title: { display: true, text: options.xTitle } }
          : { type: 'linear', min: options.xMin, max: options.xMax, title: { display: true, text: options.xTitle }, ticks: { precision: 0 } },
        y: { type: 'linear', min: options.yMin, title: { display: true, text: options.yTitle } },
      },
      plugins: { legend: { position: 'bottom' }, tooltip: { enabled: true } },
    },
    plugins: [backgroundPlugin],
  });
  applyTheme(chart, colors);
  return chart;
}

/** Re-applies theme colours to axes, grid and legend (series colours are set by the caller). */
export function applyTheme(chart: Chart<'line', Point[]>, colors: ThemeColors = readThemeColors()): void {
  const scales = chart.options.scales ?? {};
  for (const scale of Object.values(scales)) {
    if (!scale) continue;
    const s = scale as { ticks?: { color?: string }; grid?: { color?: string }; title?: { color?: string }; border?: { color?: string } };
    s.ticks = { ...s.ticks, color: colors.foreground };
    s.grid = { ...s.grid, color: colors.grid };
    s.title = { ...s.title, color: colors.foreground };
    s.border = { ...s.border, color: colors.grid };
  }
  const legend = chart.options.plugins?.legend;
  if (legend) legend.labels = { ...legend.labels, color: colors.foreground };
  chart.options.color = colors.foreground;
  // Records which theme colours the chart was drawn with (tests compare it with the live theme).
  chart.canvas.dataset.themeForeground = colors.foreground;
  chart.update('none');
}
