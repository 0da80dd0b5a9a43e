import { dashboardFor } from '$lib/server/http/dashboard';
import { respond } from '$lib/server/http/respond';
import { requireStaff } from '$lib/server/http/staff-auth';
import { CHART_IDS, chartCsv, type ChartId } from '$lib/server/services/dashboard';
import { ServiceError } from '$lib/server/services/errors';
import type { RequestHandler } from './$types';

/** One chart's figures as CSV, the same rows the chart and its table show: ?chart=<id> and the dashboard's scope. */
export const GET: RequestHandler = async (event) => {
	let csv: Response | null = null;
	const refused = await respond(async () => {
		const id = event.url.searchParams.get('chart') as ChartId;
		if (!CHART_IDS.includes(id))
			throw new ServiceError(400, 'unknown_chart', '未知图表', `Unknown chart "${id}".`);
		const figures = await dashboardFor(await requireStaff(event, 'office'), event.url);
		csv = new Response(chartCsv(figures.charts.find((c) => c.id === id)!), {
			headers: {
				'content-type': 'text/csv; charset=utf-8',
				'content-disposition': `attachment; filename="${figures.scope.province}-${id}.csv"`
			}
		});
	});
	return csv ?? refused;
};
