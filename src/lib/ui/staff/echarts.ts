// Apache ECharts, only the parts the dashboard draws (bars, lines, a target line), self-hosted by the build. Imported
// dynamically by the dashboard alone, so no other page (least of all the candidate's phone) downloads it.
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

use([
	BarChart,
	LineChart,
	GridComponent,
	LegendComponent,
	MarkLineComponent,
	TooltipComponent,
	CanvasRenderer
]);

export { init };
