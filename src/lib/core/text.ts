/** Words for a person in both languages the app speaks, zh-CN first: every message shape in the app is this one. */
export interface Text {
	zh: string;
	en: string;
}
