/**
 * The ECharts parts the app draws with, registered once (tree-shaken build). Canvas renders the live
 * charts; SVG renders saved charts and reports (server-side rendering, no DOM: see svg.ts). Legends and
 * axis labels are drawn as text, never parsed as HTML; only tooltips are HTML, and their formatters
 * escape (see tooltip.ts).
 */
import { use } from 'echarts/core';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';
import { BarChart, CustomChart, HeatmapChart, LineChart, ParallelChart, ScatterChart } from 'echarts/charts';
import {
  AxisPointerComponent, GridComponent, LegendScrollComponent, MarkPointComponent,
  ParallelComponent, TitleComponent, TooltipComponent, VisualMapContinuousComponent,
} from 'echarts/components';

use([
  CanvasRenderer, SVGRenderer, LineChart, CustomChart, HeatmapChart, ParallelChart, ScatterChart, BarChart,
  AxisPointerComponent, GridComponent, LegendScrollComponent, MarkPointComponent,
  ParallelComponent, TitleComponent, TooltipComponent, VisualMapContinuousComponent,
]);
