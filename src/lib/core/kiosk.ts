// How long a kiosk tablet waits, without a touch or a key, before it ends the candidate's turn and forgets it. The
// longest stretch a candidate present works without touching the screen is holding the ID card to the camera or
// the liveness check, a minute or two; a turn left longer than this was abandoned, and the next person at the
// tablet must not find it.
export const KIOSK_IDLE_MS = 5 * 60_000;
