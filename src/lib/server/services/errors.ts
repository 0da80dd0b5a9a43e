/** A refusal the client should understand: a 4xx with a machine-readable code and a message in both languages. */
export class ServiceError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		readonly zh: string,
		readonly en: string
	) {
		super(en);
	}

	toJSON() {
		return { error: { code: this.code, zh: this.zh, en: this.en } };
	}
}
