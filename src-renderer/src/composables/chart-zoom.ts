/** Drag-to-zoom state of one curve chart: the window selected, dropped when what the chart shows changes. */
import { ref, watch } from 'vue';
import { zoomTo, type Zoom } from '../charts/curves';
import type { ChartSpec } from '../compare/charts';
import type { ZoomSelection } from '../components/EChart.vue';

export function useChartZoom(resetWhen: () => unknown) {
  const zoom = ref<Zoom | null>(null);
  watch(resetWhen, () => {
    zoom.value = null;
  });
  return {
    zoom,
    select(selection: ZoomSelection, spec: ChartSpec): void {
      zoom.value = zoomTo(zoom.value, selection, { xAxis: spec.xAxis ?? 'epoch', sharedY: spec.sharedY ?? false });
    },
    reset(): void {
      zoom.value = null;
    },
  };
}
