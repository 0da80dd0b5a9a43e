// What failed, in a line short enough for a result's details and a screen: errors are reported, never swallowed.
export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e)).slice(0, 200);
