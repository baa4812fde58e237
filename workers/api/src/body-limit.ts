/** The largest request body the API reads (1 MiB); an export is held to it so it can be imported again. */
export const MAX_BODY_BYTES = 1024 * 1024;
