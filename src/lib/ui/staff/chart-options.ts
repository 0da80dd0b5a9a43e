// A dashboard chart's ECharts options, built from the same rows its table and CSV show.
import type { Chart } from '$lib/server/services/dashboard';

type Lang = 'zh' | 'en';

const OUTCOME_COLOURS: Record<string, string> = {
	confirmed: '#15803d',
	on_site: '#0e7490',
	review: '#b45309',
	failed: '#b91c1c'
};
/** Series that are not outcomes (reasons, reviewers), told apart in turn. */
const PALETTE = ['#1d4ed8', '#7c3aed', '#0f766e', '#c2410c', '#be185d', '#4d7c0f', '#475569'];
/** Charts whose count columns stack into one bar per row. */
const STACKED = new Set(['per_day', 'per_hour', 'reasons_per_day', 'reviewer_days']);

/** The row's label: its text cells (a reason's code is left out for its Chinese label). */
export const rowLabel = (chart: Chart, row: (string | number)[]) =>
	chart.columns
		.map((c, i) => (c.key !== 'code' && typeof row[i] === 'string' ? row[i] : null))
		.filter((v) => v !== null)
		.join(' / ');

export function chartOptions(chart: Chart, lang: Lang): Record<string, unknown> {
	const categories = chart.rows.map((row) => rowLabel(chart, row));
	const counts = chart.columns
		.map((column, index) => ({ column, index }))
		.filter(({ index }) => chart.rows.every((row) => typeof row[index] === 'number'));
	const timeline = chart.id === 'per_day' || chart.id === 'per_hour';
	const stacked = STACKED.has(chart.id);
	const series = counts.map(({ column, index }, nth) => {
		const data = chart.rows.map((row) => row[index]);
		const name = column[lang];
		if (timeline && column.key === 'started')
			return { type: 'line', name, data, itemStyle: { color: '#1d4ed8' } };
		return {
			type: 'bar',
			name,
			data,
			stack: stacked ? 'total' : undefined,
			itemStyle: { color: OUTCOME_COLOURS[column.key] ?? PALETTE[nth % PALETTE.length] },
			markLine:
				chart.target != null
					? {
							symbol: 'none',
							lineStyle: { color: '#b91c1c', type: 'dashed' },
							label: { formatter: lang === 'zh' ? `目标 ${chart.target} 小时` : `target ${chart.target} h` },
							data: [{ xAxis: categories.findIndex((c) => Number(c.split('-')[0]) >= chart.target!) }]
						}
					: undefined
		};
	});
	return {
		animation: false,
		tooltip: { trigger: 'axis' },
		legend: counts.length > 1 || stacked ? { top: 0 } : undefined,
		grid: {
			left: 48,
			right: 16,
			top: counts.length > 1 || stacked ? 36 : 16,
			bottom: 48,
			containLabel: true
		},
		xAxis: { type: 'category', data: categories, axisLabel: { hideOverlap: true } },
		yAxis: { type: 'value', minInterval: 1 },
		series
	};
}
