// GET|HEAD|PUT /api/storage/<key>?exp=&sig=…: the local storage backend's signed URLs, served by
// the web app (Range supported). Nothing is served or accepted without a valid, unexpired signature.
import { route } from "../../../../lib/api/route";
import { handleStorageRequest } from "../../../../lib/storage-route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Params = { key: string[] };

export const GET = route<Params>("public", (req, ctx, { key }) =>
  handleStorageRequest(req, ctx, key),
);
export const HEAD = GET;
export const PUT = route<Params>("public", (req, ctx, { key }) =>
  handleStorageRequest(req, ctx, key),
);
