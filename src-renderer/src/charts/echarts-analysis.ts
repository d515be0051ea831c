/** The extra ECharts parts the analysis charts draw with (scatter points, reference lines); see echarts.ts. */
import { use } from 'echarts/core';
import { ScatterChart } from 'echarts/charts';
import { MarkLineComponent } from 'echarts/components';

use([ScatterChart, MarkLineComponent]);
