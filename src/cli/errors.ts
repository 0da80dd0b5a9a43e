/** An expected failure (bad input, no face, ...): printed as one clear line on stderr, with its exit code. */
export class CliError extends Error {
	constructor(
		message: string,
		readonly exitCode = 1
	) {
		super(message);
	}
}

/** Prints a result as JSON on stdout. */
export function printJson(value: unknown): void {
	console.log(JSON.stringify(value, null, 2));
}
