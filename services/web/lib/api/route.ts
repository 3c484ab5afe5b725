// Wraps a route handler: builds the context, enforces studio access, and turns every failure
// into the `{ error: { code, message } }` envelope (unexpected ones logged, never detailed).
import { ConfigError } from "@efs/core/config";
import { isStorageError } from "@efs/core/storage/errors";
import { requireAccess } from "../access/mode";
import { getContext, type WebContext } from "../context";
import { ApiError, errorResponse } from "./errors";

export type Access = "studio" | "public";

export type Handler<P> = (req: Request, ctx: WebContext, params: P) => Promise<Response>;

type Segment<P> = { params: Promise<P> };

// A Next route handler from `handler`; `access: "studio"` requires a session when locked.
export function route<P = Record<string, never>>(access: Access, handler: Handler<P>) {
  return async (req: Request, segment?: Segment<P>): Promise<Response> => {
    try {
      const ctx = await getContext();
      if (access === "studio") requireAccess(ctx.config, req);
      const params = (segment ? await segment.params : {}) as P;
      return await handler(req, ctx, params);
    } catch (err) {
      return toErrorResponse(err);
    }
  };
}

// The envelope for any thrown value.
function toErrorResponse(err: unknown): Response {
  if (err instanceof ApiError) return errorResponse(err.status, err.code, err.message);
  if (err instanceof ConfigError) {
    // ConfigError messages name the variable and never contain its value.
    console.error(`[Web] Configuration error: ${err.message}`);
    return errorResponse(503, "misconfigured", err.message);
  }
  if (isStorageError(err, "InvalidKey")) return errorResponse(400, "bad_request", err.message);
  if (isStorageError(err, "NotFound")) return errorResponse(404, "not_found", "No such object.");
  if (isStorageError(err, "TooLarge")) return errorResponse(413, "payload_too_large", err.message);
  if (isStorageError(err, "InvalidRange")) {
    return errorResponse(416, "range_not_satisfiable", err.message);
  }
  console.error("[Web] Unexpected error:", err);
  return errorResponse(500, "internal", "Something went wrong on the server; see the server log.");
}
