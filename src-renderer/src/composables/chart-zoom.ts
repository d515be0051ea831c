/**
 * A curve chart of the Compare view: its spec, built in a task of its own (staggered.ts) from the zoom
 * window dragged over it, which is dropped whenever what the chart shows changes.
 */
import { ref, watch, type ShallowRef } from 'vue';
import { zoomTo, type Zoom } from '../charts/curves';
import type { ChartSpec } from '../compare/charts';
import type { ZoomSelection } from '../components/EChart.vue';
import { useStaggered } from './staggered';

export function useZoomableChart(build: (zoom: Zoom | undefined) => ChartSpec, resetWhen: () => unknown): {
  spec: ShallowRef<ChartSpec>;
  zoom: ShallowRef<Zoom | null>;
  select(selection: ZoomSelection): void;
  reset(): void;
} {
  const zoom = ref<Zoom | null>(null) as ShallowRef<Zoom | null>;
  watch(resetWhen, () => {
    zoom.value = null;
  });
  const spec = useStaggered(() => build(zoom.value ?? undefined));
  return {
    spec,
    zoom,
    select(selection) {
      zoom.value = zoomTo(zoom.value, selection, { xAxis: spec.value.xAxis ?? 'epoch', sharedY: spec.value.sharedY ?? false });
    },
    reset() {
      zoom.value = null;
    },
  };
}
