/** Words for a person in both languages the app speaks, zh-CN first: every message shape in the app is this one. */
export interface Text {
	zh: string;
	en: string;
}

/** A message with a stable code (reasons, refusals, problems): the code for programs, the words for people. */
export interface Message<Code extends string = string> extends Text {
	code: Code;
}
