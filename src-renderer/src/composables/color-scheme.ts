/**
 * Light or dark, following the OS (prefers-color-scheme; Electron maps it to the system theme). One
 * reactive value for the whole app: App.vue gives naive-ui its dark theme and ECharts the chart theme
 * below (through vue-echarts' THEME_KEY, so every chart follows without knowing), and sets
 * `data-theme` on <html> for the plain CSS in styles.css.
 */
import { computed, ref, type ComputedRef, type Ref } from 'vue';

export type ColorScheme = 'light' | 'dark';

const QUERY = '(prefers-color-scheme: dark)';
let scheme: Ref<ColorScheme> | null = null;

/** The OS color scheme, updated live when the user switches it. */
export function useColorScheme(): Ref<ColorScheme> {
  if (scheme) return scheme;
  const media = typeof window !== 'undefined' && typeof window.matchMedia === 'function' ? window.matchMedia(QUERY) : null;
  const current = ref<ColorScheme>(media?.matches ? 'dark' : 'light');
  media?.addEventListener('change', (event) => {
    current.value = event.matches ? 'dark' : 'light';
  });
  scheme = current;
  return current;
}

const TEXT = '#d1d5db';
const MUTED = '#9ca3af';
const LINE = '#4b5563';
const GRID = '#2f3541';

const axis = {
  axisLine: { lineStyle: { color: LINE } },
  axisTick: { lineStyle: { color: LINE } },
  axisLabel: { color: MUTED },
  splitLine: { lineStyle: { color: GRID } },
  nameTextStyle: { color: MUTED },
};

/**
 * ECharts theme for dark mode: light text and dim grid lines on a transparent background (the card's own
 * color shows through). Series colors are left to each chart.
 */
export const DARK_CHART_THEME = {
  backgroundColor: 'transparent',
  textStyle: { color: TEXT },
  title: { textStyle: { color: TEXT }, subtextStyle: { color: MUTED } },
  legend: { textStyle: { color: TEXT }, pageTextStyle: { color: MUTED }, inactiveColor: '#4b5563' },
  tooltip: { backgroundColor: '#1f2937', borderColor: LINE, textStyle: { color: '#e5e7eb' } },
  categoryAxis: axis,
  valueAxis: axis,
  logAxis: axis,
  timeAxis: axis,
  parallelAxis: { ...axis, axisLabel: { color: MUTED, textBorderColor: 'transparent' } },
  visualMap: { textStyle: { color: TEXT } },
  dataZoom: { textStyle: { color: MUTED }, borderColor: LINE },
  markPoint: { label: { color: TEXT } },
};

/** What vue-echarts should get as its theme: none in light mode (ECharts' default), ours in dark mode. */
export function chartTheme(scheme: Ref<ColorScheme>): ComputedRef<typeof DARK_CHART_THEME | undefined> {
  return computed(() => (scheme.value === 'dark' ? DARK_CHART_THEME : undefined));
}
