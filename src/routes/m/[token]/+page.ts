// The phone page runs entirely on the device (camera, workers, keys); the server only sees its API calls.
export const ssr = false;
