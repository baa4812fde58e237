// The one error the local QStash answers with: real QStash replies `{ "error": "<message>" }`.
export class QStashHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function badRequest(message: string): QStashHttpError {
  return new QStashHttpError(400, message);
}
