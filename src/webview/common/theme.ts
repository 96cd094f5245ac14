// Colours come only from VS Code's theme variables. Canvas drawing (Chart.js, heatmaps) cannot use
// CSS variables directly, so we read them and re-read whenever VS Code switches the body's theme
// class (vscode-light / vscode-dark / vscode-high-contrast / vscode-high-contrast-light).

export function themeColor(variable: string, fallbackVariable = '--vscode-foreground'): string {
  const style = getComputedStyle(document.body);
  const value = style.getPropertyValue(variable).trim();
  return value || style.getPropertyValue(fallbackVariable).trim() || 'CanvasText';
}

export const SERIES_COLOR_VARIABLES = [
  '--vscode-charts-blue',
  '--vscode-charts-red',
  '--vscode-charts-green',
  '--vscode-charts-orange',
  '--vscode-charts-purple',
  '--vscode-charts-yellow',
] as const;

export interface ThemeColors {
  foreground: string;
  grid: string;
  blue: string;
  red: string;
  green: string;
  orange: string;
  purple: string;
  yellow: string;
  background: string;
  font: string;
}

export function readThemeColors(): ThemeColors {
  return {
    foreground: themeColor('--vscode-foreground'),
    grid: themeColor('--vscode-charts-lines', '--vscode-widget-border'),
    blue: themeColor('--vscode-charts-blue'),
    red: themeColor('--vscode-charts-red'),
    green: themeColor('--vscode-charts-green'),
    orange: themeColor('--vscode-charts-orange'),
    purple: themeColor('--vscode-charts-purple'),
    yellow: themeColor('--vscode-charts-yellow'),
    background: themeColor('--vscode-editor-background'),
    font: themeColor('--vscode-font-family') || 'sans-serif',
  };
}

/** Calls `onChange` after the theme class on <body> changes. */
export function onThemeChange(onChange: () => void): void {
  let last = document.body.className;
  new MutationObserver(() => {
    if (document.body.className !== last) {
      last = document.body.className;
      onChange();
    }
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}

/** A colour with alpha, from any CSS colour string the theme gives (hex, rgb(), rgba()). */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{3,8})$/i.exec(color);
  if (hex) {
    let digits = hex[1];
    if (digits.length === 3 || digits.length === 4) digits = [...digits].map((d) => d + d).join('');
    const r = parseInt(digits.slice(0, 2), 16);
    const g = parseInt(digits.slice(2, 4), 16);
    const b = parseInt(digits.slice(4, 6), 16);
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  const rgb = /^rgba?\(([^,]+),([^,]+),([^,)]+)/i.exec(color);
  if (rgb) return `rgba(${rgb[1].trim()}, ${rgb[2].trim()}, ${rgb[3].trim()}, ${alpha})`;
  return color;
}
