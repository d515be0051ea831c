/**
 * The ECharts parts the app draws with, registered once (tree-shaken build). Canvas rendering: legends and
 * axis labels are drawn as text on a canvas, never parsed as HTML; only tooltips are HTML, and their
 * formatters escape (see tooltip.ts).
 */
import { use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { BarChart, HeatmapChart, LineChart, ParallelChart, ScatterChart } from 'echarts/charts';
import {
  AxisPointerComponent, DataZoomInsideComponent, GridComponent, LegendScrollComponent, MarkPointComponent,
  ParallelComponent, TitleComponent, TooltipComponent, VisualMapContinuousComponent,
} from 'echarts/components';

use([
  CanvasRenderer, LineChart, HeatmapChart, ParallelChart, ScatterChart, BarChart,
  AxisPointerComponent, DataZoomInsideComponent, GridComponent, LegendScrollComponent, MarkPointComponent,
  ParallelComponent, TitleComponent, TooltipComponent, VisualMapContinuousComponent,
]);
