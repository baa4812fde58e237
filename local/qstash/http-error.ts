// The local QStash answers every failure as real QStash does: `{ "error": "<message>" }`.
import { HttpError } from "../http.ts";

export { HttpError as QStashHttpError };

export function badRequest(message: string): HttpError {
  return new HttpError(400, message);
}
