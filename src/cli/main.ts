// `zv`: the verification engine on the command line. Each area is a module in ./commands exporting
// `summary` (one line for --help) and `run(args)` (prints JSON on stdout, returns the exit code).
import { CliError } from './errors.ts';

interface CommandModule {
	summary: string;
	run(args: string[]): Promise<number>;
}

const areas: Record<string, () => Promise<CommandModule>> = {
	face: () => import('./commands/face.ts'),
	liveness: () => import('./commands/liveness.ts'),
	idcard: () => import('./commands/idcard.ts'),
	photo: () => import('./commands/photo.ts')
};

async function help(): Promise<string> {
	const lines = [
		'zv — Zikao Verify engine on the command line (JSON on stdout, errors on stderr)',
		'',
		'Commands:'
	];
	for (const [name, load] of Object.entries(areas)) {
		const summary = await load().then(
			(m) => m.summary,
			() => '(not available in this build)'
		);
		lines.push(`  ${name.padEnd(9)} ${summary}`);
	}
	return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
	const [area, ...rest] = argv;
	if (!area || area === '--help' || area === '-h' || area === 'help') {
		console.log(await help());
		return area ? 0 : 2;
	}
	const load = areas[area];
	if (!load) {
		console.error(`zv: unknown command "${area}". Run \`zv --help\`.`);
		return 2;
	}
	try {
		const mod = await load();
		return await mod.run(rest);
	} catch (error) {
		if (error instanceof CliError) {
			console.error(`zv ${area}: ${error.message}`);
			return error.exitCode;
		}
		console.error(`zv ${area}: ${error instanceof Error ? error.message : String(error)}`);
		return 1;
	}
}
