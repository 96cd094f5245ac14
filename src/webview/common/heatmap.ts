// Feature maps and masks drawn as small heatmaps on a canvas, coloured from the theme: positive
// values toward --vscode-charts-blue, negative toward --vscode-charts-red, zero = editor background.
import { readThemeColors } from './theme';

type Rgb = [number, number, number];

const probe = document.createElement('canvas').getContext('2d', { willReadFrequently: true });

/** Any CSS colour the theme gives, as RGB (the browser does the parsing). */
export function toRgb(color: string): Rgb {
  if (!probe) return [128, 128, 128];
  probe.clearRect(0, 0, 1, 1);
  probe.fillStyle = '#808080';
  probe.fillStyle = color;
  probe.fillRect(0, 0, 1, 1);
  const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
  return [r, g, b];
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

export interface HeatmapOptions {
  /** Rows and columns of one map. */
  height: number;
  width: number;
  /** Number of maps drawn side by side. */
  maps: number;
  /** Values are coloured on [-scale, scale]. */
  scale: number;
  cell?: number;
  gap?: number;
  /** Cells drawn with a hatched "dropped" colour (e.g. exact zeros of a mask). */
  isDropped?: (value: number, index: number) => boolean;
}

export function drawHeatmaps(canvas: HTMLCanvasElement, values: ArrayLike<number>, options: HeatmapOptions): void {
  const cell = options.cell ?? 6;
  const gap = options.gap ?? 6;
  const colors = readThemeColors();
  const background = toRgb(colors.background);
  const positive = toRgb(colors.blue);
  const negative = toRgb(colors.red);
  const dropped = toRgb(colors.grid);
  canvas.width = options.maps * options.width * cell + (options.maps - 1) * gap;
  canvas.height = options.height * cell;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const size = options.height * options.width;
  for (let m = 0; m < options.maps; m++) {
    const left = m * (options.width * cell + gap);
    for (let y = 0; y < options.height; y++) {
      for (let x = 0; x < options.width; x++) {
        const index = m * size + y * options.width + x;
        const v = values[index];
        let rgb: Rgb;
        if (options.isDropped?.(v, index)) {
          rgb = dropped;
        } else {
          const t = Math.min(1, Math.abs(v) / (options.scale || 1));
          rgb = mix(background, v < 0 ? negative : positive, t);
        }
        ctx.fillStyle = `rgb(${rgb[0] | 0}, ${rgb[1] | 0}, ${rgb[2] | 0})`;
        ctx.fillRect(left + x * cell, y * cell, cell, cell);
      }
    }
  }
}
