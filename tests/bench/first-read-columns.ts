// The first-read bench's row keys, which summary.ts reads back from its JSON: named once, here.

/** How long the candidate read the consent screen before the first card (the row's condition). */
export const CONSENT_READ_S = 'consent read s';
/** The read after the first: Beijing's emblem side read second, or Hubei's retakes of the same side. */
export const afterFirstName = (province: string) => (province === 'beijing' ? 'emblem side' : 'later');
/** Median ms from the page getting the file to the result on its screen, for `read` ('first' or afterFirstName). */
export const inPageKey = (read: string) => `${read}, file to screen in the page ms`;
/** Median ms of the read in the OCR worker. */
export const inWorkerKey = (read: string) => `${read} in worker ms`;
