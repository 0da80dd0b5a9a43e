// A vitest reporter that says, once, at the end of the run and below the counts, which test files the fixture gate
// left out of the projects that ran. A module of its own so the command line's reporters (tests/run-all.sh) can
// name it: reporters given there replace the config's.
import type { Reporter, Vitest } from 'vitest/node';
import { fixtureGate, PROJECT_DIRS } from './fixture-gate.ts';

export default class FixtureNotice implements Reporter {
	private dirs: string[] = [];

	onInit(vitest: Vitest) {
		this.dirs = vitest.projects.flatMap((p) => PROJECT_DIRS[p.name] ?? []);
	}

	onTestRunEnd() {
		const { notice } = fixtureGate(this.dirs);
		if (notice) console.warn(`\n${notice}`);
	}
}
