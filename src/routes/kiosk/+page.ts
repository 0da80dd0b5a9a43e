// Kiosk pages talk to the staff API from the tablet; nothing is rendered on the server.
export const ssr = false;
