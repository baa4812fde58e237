/** A call to KV or the API worker that fails is the platform's trouble, not the client's: 503. */
import { ApiError, describeError, log } from "@xr2/shared";

export async function dependency<T>(name: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    log("error", "dependency failed", { dependency: name, error: describeError(error) });
    throw new ApiError("DEPENDENCY_UNAVAILABLE", `${name} is unavailable; try again shortly`, { headers: { "retry-after": "1" }, cause: error });
  }
}
